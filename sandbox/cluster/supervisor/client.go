package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// tlsClient is one keep-alive HTTPS client with a client certificate. The bash
// supervisor spent a curl process and a TLS handshake on every request (a third of an
// idle lab's CPU before it batched them); one connection kept open costs neither.
type tlsClient struct {
	base string
	http *http.Client
}

func newTLSClient(base, caFile, certFile, keyFile string) (*tlsClient, error) {
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("%s: no certificate", caFile)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &tlsClient{base: base, http: &http.Client{Transport: tr}}, nil
}

// do sends one request and returns the status code and body; code 0 means no answer.
func (c *tlsClient) do(timeout time.Duration, method, path, ctype string, body []byte) (int, []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return 0, nil
	}
	req.Header.Set("User-Agent", "kubelab-supervisor")
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return 0, nil
	}
	return resp.StatusCode, b
}

// healthy: GET url answers "ok" (the controller manager's and scheduler's /healthz, whose
// serving certificates are self-signed: only the answer matters, nothing is sent).
func healthy(url string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := insecureHealth.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	return resp.StatusCode == 200 && string(b) == "ok"
}

var insecureHealth = &http.Client{Transport: &http.Transport{
	TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // loopback health checks, see healthy()
}}
