//! The client fingerprint used by session protection: Flask-Login's `_create_identifier`.
//!
//! A truncated SHA-256 of the peer's IP address and the `User-Agent` header. The peer address is
//! the socket's, never `X-Forwarded-For` (which any client can forge; Flask-Login #700). Behind
//! a reverse proxy, configure actix-web to see the real address, or use protection `Off`.

use actix_web::HttpRequest;
use actix_web::http::header::USER_AGENT;
use sha2::{Digest, Sha256};

use crate::session::FINGERPRINT_LEN;

/// Computes the fingerprint of the client making `req`.
pub(crate) fn fingerprint(req: &HttpRequest) -> [u8; FINGERPRINT_LEN] {
    let mut hasher = Sha256::new();
    match req.peer_addr().map(|a| a.ip()) {
        Some(std::net::IpAddr::V4(ip)) => hasher.update(ip.octets()),
        // An IPv4-mapped IPv6 address is the same client as its IPv4 form.
        Some(std::net::IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => hasher.update(v4.octets()),
            None => hasher.update(ip.octets()),
        },
        None => {}
    }
    hasher.update(b"|");
    if let Some(ua) = req.headers().get(USER_AGENT) {
        hasher.update(ua.as_bytes());
    }
    let digest = hasher.finalize();
    let mut out = [0; FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..FINGERPRINT_LEN]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_user_agent_and_address_change_the_fingerprint_and_nothing_else_does() {
        let a = TestRequest::default()
            .insert_header((USER_AGENT, "A"))
            .to_http_request();
        let a2 = TestRequest::default()
            .insert_header((USER_AGENT, "A"))
            .insert_header(("X-Forwarded-For", "10.0.0.1"))
            .to_http_request();
        let b = TestRequest::default()
            .insert_header((USER_AGENT, "B"))
            .to_http_request();
        let other_ip = TestRequest::default()
            .insert_header((USER_AGENT, "A"))
            .peer_addr("10.1.2.3:4000".parse().expect("valid address"))
            .to_http_request();
        assert_eq!(fingerprint(&a), fingerprint(&a2), "X-Forwarded-For is ignored");
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&other_ip));
    }
}
