"""sever: find and cut North Korea's illicit revenue.

Importing ``sever`` is cheap: heavy engines (PySpark, browsers, model libraries) are imported only
by the commands that use them.
"""

__version__ = "0.1.0"
