"""Benchmarks of the dashboard: parse + score time, and the live-viewer load test."""
