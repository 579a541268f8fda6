"""Technicians' positions: the phone's fixes and the fleet system's JSON endpoint."""
