package sfu

import (
	"fmt"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/interceptor/pkg/report"
	"github.com/pion/logging"
	"github.com/pion/webrtc/v4"
)

// registerInterceptors sets up the per-connection RTP machinery the server needs, and no
// more:
//   - a NACK generator, which asks publishers again for packets lost on the way in;
//   - receiver and sender reports (RFC 3550 section 6.4);
//   - transport-wide congestion control feedback to publishers, which browsers need to
//     estimate their send bandwidth.
//
// Pion's NACK responder is left out on purpose: it copies every packet sent to every
// subscriber into a buffer of its own. A track's packetCache keeps each packet once, for all
// its subscribers, and answers their NACKs (see publishedTrack.retransmit). Pion's statistics
// interceptor is left out too: nothing on the server reads it.
func registerInterceptors(m *webrtc.MediaEngine, reg *interceptor.Registry,
	logs logging.LoggerFactory) error {
	generator, err := nack.NewGeneratorInterceptor(nack.WithGeneratorLoggerFactory(logs))
	if err != nil {
		return fmt.Errorf("sfu: nack generator: %w", err)
	}
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack"}, webrtc.RTPCodecTypeVideo)
	m.RegisterFeedback(webrtc.RTCPFeedback{Type: "nack", Parameter: "pli"},
		webrtc.RTPCodecTypeVideo)
	reg.Add(generator)

	receiver, err := report.NewReceiverInterceptor(report.WithReceiverLoggerFactory(logs))
	if err != nil {
		return fmt.Errorf("sfu: receiver reports: %w", err)
	}
	sender, err := report.NewSenderInterceptor(report.WithSenderLoggerFactory(logs))
	if err != nil {
		return fmt.Errorf("sfu: sender reports: %w", err)
	}
	reg.Add(receiver)
	reg.Add(sender)

	if err := webrtc.ConfigureTWCCSender(m, reg); err != nil {
		return fmt.Errorf("sfu: congestion control feedback: %w", err)
	}
	return nil
}
