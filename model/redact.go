package model

import "strings"

// Redactor masks the secrets of records that come from a file edgetop did
// not write itself (a browser's HAR, a hand-made recording): what edgetop
// records is masked when the record is made, but a file from elsewhere may
// hold an Authorization header, a cookie's token or a Set-Cookie in
// clear. It masks those headers' values and, in every text field, each
// token and credential it has seen in them. Tokens seen in a later record
// are masked from then on. Not safe for concurrent use.
type Redactor struct {
	secrets []string
}

// secretHeaders are the headers whose whole value is a secret (the
// scheme of an Authorization value is kept).
var secretHeaders = []string{"authorization", "proxy-authorization", "x-auth-token", "x-api-key"}

// Redact masks r's secrets in place.
func (x *Redactor) Redact(r *Record) {
	x.learn(r.RequestHeaders)
	x.learn(r.ResponseHeaders)
	if len(x.secrets) == 0 {
		return
	}
	for _, hs := range [][]Header{r.RequestHeaders, r.ResponseHeaders} {
		for i := range hs {
			hs[i].Name, hs[i].Value = x.text(hs[i].Name), x.text(hs[i].Value)
		}
	}
	for _, p := range []*string{
		&r.Gateway, &r.Path, &r.Operation, &r.ProductKey, &r.DeviceName, &r.APICode, &r.APIMessage,
		&r.RequestBody.Preview, &r.ResponseBody.Preview, &r.Action.Detail,
	} {
		*p = x.text(*p)
	}
	if r.Err != nil {
		e := *r.Err
		e.Text = x.text(e.Text)
		r.Err = &e
	}
}

// learn takes the secrets of a record's headers.
func (x *Redactor) learn(hs []Header) {
	for _, h := range hs {
		name := strings.ToLower(h.Name)
		switch {
		case name == "cookie" || name == "set-cookie":
			for _, part := range strings.Split(h.Value, ";") {
				if _, v, ok := strings.Cut(strings.TrimSpace(part), "="); ok && len(v) >= 6 && !strings.Contains(v, "*") {
					if k, _, _ := strings.Cut(strings.TrimSpace(part), "="); !isCookieAttr(k) {
						x.add(v)
					}
				}
			}
		case isSecretHeader(name):
			v := h.Value
			if _, cred, ok := strings.Cut(v, " "); ok && !strings.Contains(v, "*") {
				x.add(cred)
			}
			if !strings.Contains(v, "*") {
				x.add(v)
			}
		}
	}
}

func isSecretHeader(name string) bool {
	for _, s := range secretHeaders {
		if name == s {
			return true
		}
	}
	return false
}

// isCookieAttr reports the Set-Cookie attributes, which are no secret.
func isCookieAttr(k string) bool {
	switch strings.ToLower(k) {
	case "max-age", "path", "domain", "expires", "samesite":
		return true
	}
	return false
}

func (x *Redactor) add(s string) {
	if len(s) < 6 {
		return
	}
	for _, have := range x.secrets {
		if have == s {
			return
		}
	}
	x.secrets = append(x.secrets, s)
}

// text is s with every secret seen masked: its first 8 characters kept at
// most (as edgetop shows a token), the rest as ******.
func (x *Redactor) text(s string) string {
	for _, sec := range x.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, maskedForm(sec))
		}
	}
	return s
}

func maskedForm(s string) string {
	keep := min(len(s)/4, 8)
	return s[:keep] + "******"
}
