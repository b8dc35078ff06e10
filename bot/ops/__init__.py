"""Process control and operator commands: `make run`, `make cluster`, `make missed`, the
supervisor and the stack's settings. Never imported by a served process."""
