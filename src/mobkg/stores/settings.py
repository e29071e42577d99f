"""How mobkg reaches a remote store: credentials, TLS and per-operation URLs, from the environment or a file.

Nothing here comes from the command line: a secret on argv is visible to every
user of the machine (``ps``) and stays in shell history. Each setting is read
from an environment variable, else from the ``[remote]`` table of a TOML file
(``MOBKG_CONFIG``, else ``$XDG_CONFIG_HOME/mobkg/config.toml``, else
``~/.config/mobkg/config.toml``; a missing default file is no settings)::

    [remote]
    token = "..."                 # HTTP bearer token (MOBKG_ENDPOINT_TOKEN), or
    user = "ana"                  # HTTP basic (MOBKG_ENDPOINT_USER ...
    password = "..."              # ... and MOBKG_ENDPOINT_PASSWORD)
    query_url = "https://sparql.example/ds/sparql"       # MOBKG_ENDPOINT_QUERY_URL
    update_url = "https://sparql.example/ds/update"      # MOBKG_ENDPOINT_UPDATE_URL
    graph_store_url = "https://sparql.example/ds/data"   # MOBKG_ENDPOINT_GRAPH_STORE_URL
    ca_file = "/etc/ssl/certs/team-ca.pem"               # MOBKG_ENDPOINT_CA_FILE
    verify_tls = true             # MOBKG_ENDPOINT_VERIFY_TLS; false only with a warning

Secrets (``token``, ``password``) never appear in a ``repr`` or a message: they
are kept out of :class:`RemoteSettings`' repr, and :func:`scrub` takes them
(and the header made of them) out of any text a server sends back.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import ssl
import tomllib
import urllib.parse
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EndpointError
from ..resources import CONFIG_ENV, config_path
from .endpoint import parse_endpoint

__all__ = ["RemoteSettings", "InsecureEndpointWarning", "remote_settings", "config_path", "scrub", "header_secrets",
           "CONFIG_ENV", "ENV_PREFIX"]

ENV_PREFIX = "MOBKG_ENDPOINT_"
_TABLE = "remote"
_TEXT_KEYS = ("token", "user", "password", "query_url", "update_url", "graph_store_url", "ca_file")
_KEYS = (*_TEXT_KEYS, "verify_tls")
_SECRET_KEYS = ("token", "password")
_SCRUBBED_MIN = 4  # shorter secrets are left in messages: replacing every "ab" would make them unreadable
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class InsecureEndpointWarning(UserWarning):
    """A remote store is reached in a way others can read or tamper with (TLS unverified, credentials over http)."""


@dataclass(frozen=True)
class RemoteSettings:
    """How to reach one remote store; every field optional (an open server over plain URLs).

    >>> RemoteSettings(token="s3cret-token")
    RemoteSettings(token='***', source='arguments')
    """

    token: str | None = field(default=None, repr=False)
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    query_url: str | None = None
    update_url: str | None = None
    graph_store_url: str | None = None
    ca_file: str | None = None
    verify_tls: bool = True
    source: str = "arguments"
    """Where the settings came from, for messages (never their values)."""

    def __post_init__(self):
        if self.token is not None and (self.user is not None or self.password is not None):
            raise EndpointError(f"{self.source}: both a bearer token and a user/password are set; keep one")
        if (self.user is None) != (self.password is None):
            missing = "password" if self.password is None else "user"
            raise EndpointError(f"{self.source}: a {'user' if missing == 'password' else 'password'} without a "
                                f"{missing}; set {ENV_PREFIX}{missing.upper()} (or {missing} in [{_TABLE}]) too")

    def __repr__(self) -> str:
        shown = [f"{key}='***'" for key in _SECRET_KEYS if getattr(self, key) is not None]
        shown += [f"{key}={getattr(self, key)!r}" for key in ("user", "query_url", "update_url", "graph_store_url",
                                                               "ca_file") if getattr(self, key) is not None]
        shown += [] if self.verify_tls else ["verify_tls=False"]
        return f"RemoteSettings({', '.join([*shown, f'source={self.source!r}'])})"

    @property
    def authorization(self) -> str | None:
        """The ``Authorization`` header these settings make, if any."""
        if self.token is not None:
            return f"Bearer {self.token}"
        if self.user is not None:
            return "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return None

    def tls_context(self) -> ssl.SSLContext:
        """The TLS context for ``https`` URLs: the system's trust store (or ``ca_file``), verified unless ``verify_tls`` is off.

        :raises EndpointError: if ``ca_file`` cannot be read as PEM certificates.
        """
        if not self.verify_tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        try:
            return ssl.create_default_context(cafile=self.ca_file)
        except (OSError, ssl.SSLError) as error:
            reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or error
            raise EndpointError(f"{self.ca_file}: cannot read the CA file ({reason}); check ca_file "
                                f"({ENV_PREFIX}CA_FILE)") from None

    def split_url(self, key: str) -> str | None:
        """The whole URL set for one kind of request (``query_url``...), checked like an endpoint; None if unset.

        :raises EndpointError: if it is not a well-formed http(s) URL, or holds credentials.
        """
        text = getattr(self, key)
        if text is None:
            return None
        url = parse_endpoint(text, query_path="")
        if url.authorization:
            raise EndpointError(f"{url.display}: {key} holds credentials; set them as token or user and password")
        return url.url

    def insecurities(self, urls: list[str], *, credentials: bool) -> list[str]:
        """What is unsafe about reaching ``urls`` with these settings: unverified TLS, credentials in clear."""
        found = []
        if not self.verify_tls and any(url.startswith("https:") for url in urls):
            found.append(f"TLS certificates are not verified ({ENV_PREFIX}VERIFY_TLS or verify_tls is off): "
                         "anyone on the network path can pose as the server")
        plain = [url for url in urls if url.startswith("http:") and not _loopback(url)]
        if credentials and plain:
            found.append(f"credentials are sent unencrypted over http to {urllib.parse.urlsplit(plain[0]).hostname}; "
                         "use https")
        return found

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every text that must never be shown: the token, the password, the header made of them."""
        return tuple(secret for secret in (self.token, self.password) if secret) + header_secrets(self.authorization)


def header_secrets(authorization: str | None) -> tuple[str, ...]:
    """The secrets in an ``Authorization`` header: itself, its credential and, for Basic, the password."""
    if not authorization:
        return ()
    credential = authorization.split(" ", 1)[-1]
    found = [authorization, credential]
    if authorization.startswith("Basic "):
        try:
            found.append(base64.b64decode(credential).decode("utf-8").partition(":")[2])
        except ValueError:
            pass
    return tuple(found)


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with each of ``secrets`` replaced by ``***``, longest first.

    Secrets shorter than 4 characters are left: replacing every "ab" would make messages unreadable.
    """
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _SCRUBBED_MIN:
            text = text.replace(secret, "***")
    return text


def remote_settings(environ: Mapping[str, str] = os.environ) -> RemoteSettings:
    """The settings for remote stores: each from ``MOBKG_ENDPOINT_<KEY>``, else the config file's ``[remote]``.

    :raises EndpointError: if a file named by ``MOBKG_CONFIG`` is missing, the file is not
        TOML, its ``[remote]`` table holds an unknown key or a value of the wrong type, or the
        settings contradict each other (a token and a password, a user without a password).
    """
    path, named = config_path(environ)
    table = _read_table(path, named)
    values: dict[str, object] = {}
    sources = set()
    for key in _KEYS:
        raw = environ.get(ENV_PREFIX + key.upper())
        if raw is not None and raw.strip():
            values[key] = _flag(ENV_PREFIX + key.upper(), raw) if key == "verify_tls" else raw.strip()
            sources.add("the environment")
        elif key in table:
            values[key] = table[key]
            sources.add(str(path))
    source = " and ".join(sorted(sources)) or "no settings"
    return RemoteSettings(**values, source=source)


def _read_table(path: Path, named: bool) -> dict[str, object]:
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        if named:
            raise EndpointError(f"{CONFIG_ENV}={path}: no such file; create it or unset {CONFIG_ENV}") from None
        return {}
    except OSError as error:
        raise EndpointError(f"{path}: cannot read the config file ({error.strerror or error})") from None
    try:
        document = tomllib.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        # tomllib's message says where, never what: no secret from the file is repeated.
        raise EndpointError(f"{path}: not a TOML config file ({str(error).splitlines()[0]})") from None
    table = document.get(_TABLE, {})
    if not isinstance(table, dict):
        raise EndpointError(f"{path}: [{_TABLE}] must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise EndpointError(f"{path}: unknown key {unknown[0]!r} in [{_TABLE}]; known keys: {', '.join(_KEYS)}")
    for key, value in table.items():
        wanted = bool if key == "verify_tls" else str
        if not isinstance(value, wanted):
            raise EndpointError(f"{path}: [{_TABLE}] {key} must be {'true or false' if wanted is bool else 'a string'}")
    if any(key in table for key in _SECRET_KEYS) and _readable_by_others(path):
        warnings.warn(f"{path} holds a secret and other users can read it; chmod 600 {path}",
                      InsecureEndpointWarning, stacklevel=2)
    return table


def _readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & 0o077)
    except OSError:
        return False


def _loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise EndpointError(f"{name}={raw.strip()!r} is not a yes/no value; set it to 1 or 0")
    return value in _TRUE
