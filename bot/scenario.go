package bot

import "time"

// Scenario is one named load test of the benchmark suite.
type Scenario struct {
	Name        string
	Description string
	Config      Config
}

// Scenarios are the load tests `make bench` runs, each for duration, against url.
func Scenarios(url string, duration time.Duration) []Scenario {
	base := Config{URL: url, Duration: duration, FPS: 30, VideoKbps: 800, Audio: true,
		Ramp: 20, KeyframeInterval: 3 * time.Second, ProgressEvery: 10 * time.Second}
	with := func(room string, f func(*Config)) Config {
		c := base
		c.Room = room
		f(&c)
		return c
	}
	return []Scenario{
		{"audio", "10 audio publishers, 50 listeners", with("bench-audio", func(c *Config) {
			c.Publishers, c.Subscribers, c.VideoKbps = 10, 50, 0
		})},
		{"livestream", "1 video publisher (800 kbit/s and audio), 50 subscribers",
			with("bench-live", func(c *Config) { c.Publishers, c.Subscribers = 1, 50 })},
		{"meeting", "8 participants, everyone sees and hears everyone (500 kbit/s each)",
			with("bench-meeting", func(c *Config) {
				c.Publishers, c.Subscribers, c.VideoKbps = 8, 0, 500
			})},
		{"join-storm", "1 video publisher, 50 subscribers joining within 5 s",
			with("bench-storm", func(c *Config) {
				c.Publishers, c.Subscribers, c.Ramp = 1, 50, 10
			})},
		// Video only: audio is not repaired by retransmission (browsers offer no NACK for
		// Opus, which conceals loss instead), so it would only blur the figure.
		{"loss", "1 video publisher losing 2% of its packets, 50 subscribers",
			with("bench-loss", func(c *Config) {
				c.Publishers, c.Subscribers, c.Loss, c.Audio = 1, 50, 0.02, false
			})},
	}
}
