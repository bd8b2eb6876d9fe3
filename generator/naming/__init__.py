"""Naming: every Python name generated code uses, minted once (see :mod:`apiforge.naming.names`).

``words`` turns spec text into identifiers, ``reserved`` lists what they must not be,
``resources`` places operations on client resources, ``schemas`` names models, enum
members and packages, ``shared`` the ``models/`` modules several groups share, and
``names`` runs the pass and returns the frozen :class:`Names`.
"""
