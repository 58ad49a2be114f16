//! Times a TLS handshake on its own, for the probe's preflight: ureq does the handshake
//! inside a request and does not report how long it took. rustls (already in the tree
//! through ureq, with the same ring provider and webpki roots) runs the handshake over the
//! preflight's TCP connection; no HTTP request is sent.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Accepts any certificate (`--insecure`), while still checking the handshake signatures.
#[derive(Debug)]
struct AcceptAnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

fn config(insecure: bool) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    Ok(if insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(algorithms(&provider))))
            .with_no_client_auth()
    } else {
        let roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        builder.with_root_certificates(roots).with_no_client_auth()
    })
}

fn algorithms(provider: &CryptoProvider) -> WebPkiSupportedAlgorithms {
    provider.signature_verification_algorithms
}

/// Runs a TLS handshake for `host` over `stream` within `timeout`; returns its duration or
/// why it failed (e.g. an unknown issuer, a server that does not speak TLS).
pub fn handshake(
    mut stream: TcpStream,
    host: &str,
    insecure: bool,
    timeout: Duration,
) -> Result<Duration, String> {
    let name = ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
    let mut conn =
        ClientConnection::new(Arc::new(config(insecure)?), name).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| e.to_string())?;
    let began = Instant::now();
    while conn.is_handshaking() {
        if began.elapsed() > timeout {
            return Err("TLS handshake timed out".to_string());
        }
        match conn.complete_io(&mut stream) {
            Ok((0, 0)) if conn.is_handshaking() => {
                return Err("the server closed the connection during the TLS handshake".into());
            }
            Ok(_) => {}
            Err(e) => return Err(format!("TLS handshake failed: {e}")),
        }
    }
    Ok(began.elapsed())
}
