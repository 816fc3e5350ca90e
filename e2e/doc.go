// Package e2e drives the browser client in Debian's Chromium against a real server, with
// fake camera and microphone, to check what a person would see.
package e2e
