// Package metrics defines what Confab reports to Prometheus. Every label takes one of a few
// fixed values (a media kind, a direction), never a user, room or participant id, so the
// number of series stays bounded however many people use the server.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every collector of one server, registered on its own registry so that
// several servers in one process (as in tests) do not collide.
type Metrics struct {
	registry *prometheus.Registry

	Rooms            prometheus.Gauge
	Participants     prometheus.Gauge
	TracksPublished  *prometheus.GaugeVec   // kind
	TracksSubscribed *prometheus.GaugeVec   // kind
	TracksRefused    *prometheus.CounterVec // reason: no_grant, too_many

	PacketsIn  *prometheus.CounterVec // kind
	BytesIn    *prometheus.CounterVec // kind
	PacketsOut *prometheus.CounterVec // kind
	BytesOut   *prometheus.CounterVec // kind

	NACKs            prometheus.Counter
	KeyframeRequests *prometheus.CounterVec // direction: from_subscriber, to_publisher
	ReceiverLoss     prometheus.Histogram
	JoinSeconds      prometheus.Histogram
	WebSockets       prometheus.Gauge
	ChatMessages     prometheus.Counter
}

// New returns a fresh set of collectors, with Go runtime and process metrics beside them.
func New() *Metrics {
	kind := []string{"kind"}
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		Rooms: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "confab_rooms", Help: "Rooms with at least one participant.",
		}),
		Participants: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "confab_participants", Help: "Participants in rooms.",
		}),
		TracksPublished: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "confab_tracks_published", Help: "Tracks participants publish.",
		}, kind),
		TracksSubscribed: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "confab_tracks_subscribed", Help: "Tracks forwarded to subscribers.",
		}, kind),
		TracksRefused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confab_tracks_refused_total",
			Help: "Tracks a participant tried to publish and the server refused.",
		}, []string{"reason"}),
		PacketsIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confab_rtp_packets_received_total", Help: "RTP packets from publishers.",
		}, kind),
		BytesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confab_rtp_bytes_received_total", Help: "RTP bytes from publishers.",
		}, kind),
		PacketsOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confab_rtp_packets_sent_total", Help: "RTP packets sent to subscribers.",
		}, kind),
		BytesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confab_rtp_bytes_sent_total", Help: "RTP bytes sent to subscribers.",
		}, kind),
		NACKs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "confab_nacks_received_total", Help: "NACK messages from subscribers.",
		}),
		KeyframeRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confab_keyframe_requests_total",
			Help: "Keyframe requests received from subscribers and sent to publishers.",
		}, []string{"direction"}),
		ReceiverLoss: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "confab_receiver_loss_ratio",
			Help:    "Fraction of packets lost, as subscribers report it in receiver reports.",
			Buckets: []float64{0, 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5},
		}),
		JoinSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "confab_join_seconds",
			Help:    "Time from a join request to the publisher connection being connected.",
			Buckets: []float64{.05, .1, .2, .3, .5, .75, 1, 2, 5, 10},
		}),
		WebSockets: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "confab_websocket_connections", Help: "Open signaling WebSockets.",
		}),
		ChatMessages: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "confab_chat_messages_total", Help: "Chat messages accepted.",
		}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.Rooms, m.Participants, m.TracksPublished, m.TracksSubscribed, m.TracksRefused,
		m.PacketsIn, m.BytesIn, m.PacketsOut, m.BytesOut,
		m.NACKs, m.KeyframeRequests, m.ReceiverLoss, m.JoinSeconds,
		m.WebSockets, m.ChatMessages,
	)
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Registry is where the collectors live, for tests that read them directly.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }
