"""Accountability referrals (追责移送), raised from any family."""
