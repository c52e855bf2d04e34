"""crisisquiz: learn the Cuban Missile Crisis by retrieval practice."""

__version__ = "0.1.0"
