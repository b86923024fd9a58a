//! TLS for the throwaway cluster: a CA and a server certificate made for it
//! (rcgen), and the rustls connectors of the two client modes: `require`
//! (encrypted, certificate not checked, as libpq's `sslmode=require`) and
//! `verify-full` (chain to the CA and host name checked).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

/// A CA, and a server certificate it signed for `localhost` and `127.0.0.1`.
pub struct Certificates {
    pub ca: CertificateDer<'static>,
    pub ca_pem: String,
    pub server_pem: String,
    pub server_key_pem: String,
}

impl Certificates {
    pub fn generate() -> Certificates {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, "lockladder test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let server_key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, "localhost");
        let server = params.signed_by(&server_key, &ca).unwrap();
        Certificates {
            ca: ca.der().clone(),
            ca_pem: ca.pem(),
            server_pem: server.pem(),
            server_key_pem: server_key.serialize_pem(),
        }
    }
}

#[allow(
    deprecated,
    reason = "ring lacks post-quantum key exchange, of no matter to a test cluster"
)]
fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

fn builder() -> rustls::ConfigBuilder<ClientConfig, rustls::WantsVerifier> {
    ClientConfig::builder_with_provider(provider()).with_safe_default_protocol_versions().unwrap()
}

/// `verify-full`: the server's certificate must chain to `ca` and name the host.
pub fn verify_full(ca: &CertificateDer<'static>) -> MakeRustlsConnect {
    let mut roots = RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    MakeRustlsConnect::new(builder().with_root_certificates(roots).with_no_client_auth())
}

/// `require`: encrypted, whatever certificate the server shows.
pub fn require() -> MakeRustlsConnect {
    let verifier = Arc::new(AcceptAnyCertificate(provider()));
    MakeRustlsConnect::new(
        builder().dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth(),
    )
}

/// Checks the handshake's signatures, not the certificate (libpq's
/// `sslmode=require`).
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
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
        let algorithms = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.0.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
