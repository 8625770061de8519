package store

// MayWrite exposes mayWrite to the external tests (version_test.go).
var MayWrite = mayWrite
