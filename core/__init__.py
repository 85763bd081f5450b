"""The ground floor: what every layer may import, and which imports nothing of the project.

Errors, typed settings, text normalisation, record parsing, crash-safe file helpers, the store's folder
layout and the records that cross layers (``Mention``, ``Page``, ``Rejected``). Import from the modules
(``core.config``, ``core.types``, ...): this package stays free of heavy dependencies so a listener or a
test that needs one error class does not load pydantic-settings, pyarrow or torch.
"""
