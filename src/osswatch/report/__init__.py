"""Turning results into what people and machines read: tables, JSON, SARIF, CycloneDX, …"""
