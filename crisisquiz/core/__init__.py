"""The domain: packs, questions, grading, scheduling, sessions and scores. No Qt here."""
