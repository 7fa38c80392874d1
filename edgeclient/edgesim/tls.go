package edgesim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// certSubject is the default subject of a Link IoT Edge console certificate
// (`lectl console certificate`), as edge-api.md §1 gives it.
var certSubject = pkix.Name{
	Country:            []string{"CN"},
	Province:           []string{"Zhejiang"},
	Locality:           []string{"Hangzhou"},
	Organization:       []string{"Link IoT Edge"},
	OrganizationalUnit: []string{"Link IoT Edge"},
	CommonName:         "Link IoT Edge",
}

// certBundle is the generated certificate in the forms the server and its
// callers need.
type certBundle struct {
	tls         tls.Certificate
	pem         []byte
	pool        *x509.CertPool
	fingerprint string
}

// generateCert makes a self-signed ECDSA P-256 certificate valid for
// loopback (127.0.0.1, ::1, localhost) plus any extra host the listener
// names. It is its own CA, so trusting the PEM verifies it.
func generateCert(now time.Time, extraHost string) (*certBundle, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, fmt.Errorf("generating serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               certSubject,
		Issuer:                certSubject,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	addHost(tmpl, extraHost)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("creating certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	sum := sha256.Sum256(der)
	return &certBundle{
		tls:         tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		pem:         pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pool:        pool,
		fingerprint: "sha256:" + hex.EncodeToString(sum[:]),
	}, nil
}

// addHost adds the listen host to the certificate's SANs: a name or IP as
// given, or, for a wildcard address, every address of the machine's
// interfaces, so clients on the LAN can verify against the PEM too.
func addHost(tmpl *x509.Certificate, host string) {
	if host == "localhost" {
		return
	}
	ip := net.ParseIP(host)
	switch {
	case host == "" || (ip != nil && ip.IsUnspecified()):
		addrs, _ := net.InterfaceAddrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, n.IP)
			}
		}
	case ip != nil:
		if !ip.IsLoopback() {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		}
	default:
		tmpl.DNSNames = append(tmpl.DNSNames, host)
	}
}
