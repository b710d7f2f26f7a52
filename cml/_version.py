"""The package version. The server API version it speaks is `cml.__api_version__`."""

__version__ = "0.1.0"
