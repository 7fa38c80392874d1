package model

import "strings"

// AndQuery is the query that matches what both a and b match; nil stands
// for "every record", so AndQuery(nil, b) is b.
func AndQuery(a, b *Query) *Query {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	root := join(opAnd, []*node{a.root, b.root})
	var s, k strings.Builder
	root.write(&s, false)
	root.write(&k, true)
	return &Query{root: root, str: s.String(), key: k.String()}
}
