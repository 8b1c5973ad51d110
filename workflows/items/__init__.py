"""The instructed-item family (六类重要批示件): register, assign, handle, review, reply, follow up, close."""
