// Package deploy checks the container image: it builds the Dockerfile, starts the image and
// asks it for /healthz. Where no Docker engine runs, the test says so and skips.
package deploy

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func docker(ctx context.Context, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func TestImageBuildsAndAnswersHealthz(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("skipped: no docker client on this machine")
	}
	if out, err := docker(ctx, "info", "--format", "{{.ServerVersion}}"); err != nil {
		t.Skipf("skipped: no Docker engine answers here (%s)", firstLine(out))
	}

	const image = "confab:test"
	if out, err := docker(ctx, "build", "-t", image, ".."); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	id, err := docker(ctx, "run", "-d", "--rm", "-p", "127.0.0.1::8080", image)
	if err != nil {
		t.Fatalf("docker run: %v\n%s", err, id)
	}
	defer docker(context.Background(), "stop", id)

	port, err := docker(ctx, "port", id, "8080/tcp")
	if err != nil {
		t.Fatalf("docker port: %v %s", err, port)
	}
	url := fmt.Sprintf("http://%s/healthz", firstLine(port))
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	logs, _ := docker(ctx, "logs", id)
	t.Fatalf("the container never answered %s\n%s", url, logs)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
