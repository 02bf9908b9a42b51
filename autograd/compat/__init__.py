"""Adapters for code written against other autograd libraries' interfaces, on stepgrad's engine.

The one place in stepgrad that mimics another library's conventions on purpose; each adapter
maps names and conventions onto the real engine and `nn`, and never grows a second engine.
"""
