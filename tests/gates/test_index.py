# SPDX-FileCopyrightText: 2026 Duckalog contributors
# SPDX-License-Identifier: MIT
"""The index client over real TLS: it trusts the CA bundle the environment names, nothing else.

Reported in the merge of issues 11 and 13: behind a TLS-inspecting proxy the
version gate could no longer read PyPI (requests' own CA list does not hold the
proxy's CA, and the session ignored REQUESTS_CA_BUNDLE with the rest of the
environment). A loopback HTTPS index with a throw-away CA stands in for it.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from release_gates._internal import index
from standins.serving import serving

PAGE = {
    "meta": {"api-version": "1.1"},
    "name": "demo",
    "versions": ["1.0"],
    "files": [
        {
            "filename": "demo-1.0.tar.gz",
            "url": "demo-1.0.tar.gz",
            "hashes": {"sha256": "ab" * 32},
        }
    ],
}


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: object, ca: bool
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        address = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
        builder = builder.add_extension(x509.SubjectAlternativeName([address]), critical=False)
    assert isinstance(signer, ec.EllipticCurvePrivateKey)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture(scope="module")
def tls_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS simple index on 127.0.0.1 and the PEM file of the CA that signed it."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "throw-away test CA")])
    ca = _certificate("throw-away test CA", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = _certificate("127.0.0.1", key, ca_name, ca_key, ca=False)
    bundle = folder / "ca.pem"
    bundle.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain = folder / "server.pem"
    chain.write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(PAGE).encode()
            self.send_response(200 if self.path == "/simple/demo/" else 404)
            self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain)
    with serving(Handler, tls=context) as server:
        yield f"https://127.0.0.1:{server.server_address[1]}/simple/", bundle


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (*index.CA_BUNDLE_VARIABLES, "SSL_CERT_FILE", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_an_index_signed_by_an_unknown_ca_is_unreadable(
    tls_index: tuple[str, Path], clean_env: pytest.MonkeyPatch
) -> None:
    url, _ = tls_index
    with pytest.raises(index.IndexReadError) as failure:
        index.project_page(url, "demo")
    assert "CERTIFICATE_VERIFY_FAILED" in failure.value.reason


@pytest.mark.parametrize("variable", index.CA_BUNDLE_VARIABLES)
def test_the_ca_bundle_the_environment_names_is_trusted(
    tls_index: tuple[str, Path], clean_env: pytest.MonkeyPatch, variable: str
) -> None:
    url, bundle = tls_index
    clean_env.setenv(variable, str(bundle))
    # A proxy in the environment is still ignored: the client talks to the URL it was given.
    clean_env.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    page = index.project_page(url, "demo")
    assert list(page.files) == ["demo-1.0.tar.gz"]
    assert page.files["demo-1.0.tar.gz"].sha256 == "ab" * 32
    assert page.versions == ("1.0",)
