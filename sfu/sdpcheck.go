package sfu

import (
	"errors"
	"fmt"

	"github.com/pion/sdp/v3"
)

// Errors of checkDescription: what Pion would refuse only after it had changed the
// connection's signaling state, which it cannot roll back.
var (
	errNoMedia       = errors.New("no media sections")
	errNoICE         = errors.New("no ICE username fragment and password")
	errNoFingerprint = errors.New("no DTLS fingerprint")
)

// checkDescription refuses a session description Pion would choke on half way: it must
// have at least one media section, and ICE credentials and a DTLS fingerprint for each, at
// session or media level (RFC 8839 section 5.4, RFC 8122 section 5).
func checkDescription(sd *sdp.SessionDescription) error {
	if len(sd.MediaDescriptions) == 0 {
		return errNoMedia
	}
	_, sessUfrag := sd.Attribute("ice-ufrag")
	_, sessPwd := sd.Attribute("ice-pwd")
	_, sessFP := sd.Attribute("fingerprint")
	for i, m := range sd.MediaDescriptions {
		if _, ok := m.Attribute("ice-ufrag"); !ok && !sessUfrag {
			return fmt.Errorf("media section %d: %w", i, errNoICE)
		}
		if _, ok := m.Attribute("ice-pwd"); !ok && !sessPwd {
			return fmt.Errorf("media section %d: %w", i, errNoICE)
		}
		if _, ok := m.Attribute("fingerprint"); !ok && !sessFP {
			return fmt.Errorf("media section %d: %w", i, errNoFingerprint)
		}
	}
	return nil
}
