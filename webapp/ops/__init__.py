"""Operations: /healthz, /readyz, /metrics, backup and restore, `flask doctor` (docs/OPERATIONS.md)."""
