"""Major-case supervision (重大案件督办)."""
