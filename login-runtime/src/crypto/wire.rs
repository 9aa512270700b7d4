//! The signed, base64url-encoded envelope shared by the session cookie and the remember token
//! (the default [`CookieContent::Signed`](crate::CookieContent::Signed); the encrypted one is
//! in `private.rs`), and the binary records both carry.
//!
//! Layout of a cookie value: `base64url(payload) "." base64url(HMAC-SHA256 tag)`. The payload is a
//! small binary record written with [`Writer`] and read back with [`Reader`]; every read is
//! bounds-checked and returns `None` on malformed input, so decoding never panics.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::crypto::keys::{KeyMatch, KeyRing, TAG_LEN};

/// The largest cookie value we attempt to decode. Browsers cap cookies near 4 KiB; anything
/// larger is rejected before any base64 or HMAC work.
pub(crate) const MAX_COOKIE_LEN: usize = 4096;

/// Signs `payload` and returns the cookie value.
pub(crate) fn seal(keys: &KeyRing, payload: &[u8]) -> String {
    let tag = keys.sign(payload);
    let mut out = String::with_capacity((payload.len() + TAG_LEN) * 4 / 3 + 4);
    URL_SAFE_NO_PAD.encode_string(payload, &mut out);
    out.push('.');
    URL_SAFE_NO_PAD.encode_string(tag, &mut out);
    out
}

/// Payloads up to this many bytes are decoded on the stack. A session cookie without a kept
/// `next` URL and a remember token are well under it; larger payloads go to the heap.
pub(crate) const STACK_PAYLOAD_LEN: usize = 256;

/// Verifies a cookie value and hands its payload to `read`; returns what `read` made and which
/// key signed it, or `None` if the value is malformed, oversized or signed by a key we do not
/// know. The payload is only borrowed, so a small one never touches the heap.
pub(crate) fn open<T>(
    keys: &KeyRing,
    value: &str,
    read: impl FnOnce(&[u8]) -> Option<T>,
) -> Option<(T, KeyMatch)> {
    if value.len() > MAX_COOKIE_LEN {
        return None;
    }
    let (payload, tag) = value.split_once('.')?;
    // The tag is decoded on the stack; a tag of any other length fails verification.
    let mut tag_buf = [0u8; TAG_LEN + 16];
    let tag_len = URL_SAFE_NO_PAD.decode_slice(tag, &mut tag_buf).ok()?;
    let tag = &tag_buf[..tag_len];
    if base64::decoded_len_estimate(payload.len()) <= STACK_PAYLOAD_LEN {
        let mut buf = [0u8; STACK_PAYLOAD_LEN];
        let len = URL_SAFE_NO_PAD.decode_slice(payload, &mut buf).ok()?;
        let matched = keys.verify(&buf[..len], tag)?;
        Some((read(&buf[..len])?, matched))
    } else {
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let matched = keys.verify(&payload, tag)?;
        Some((read(&payload)?, matched))
    }
}

/// Writes a binary record.
#[derive(Default)]
pub(crate) struct Writer(Vec<u8>);

impl Writer {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Writer(Vec::with_capacity(n))
    }
    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    /// A byte string of at most `u16::MAX` bytes, prefixed by its length. Longer input is cut
    /// (callers pass user ids and `next` URLs, which the context never stores longer than
    /// 2048 bytes; a record that large could not be a cookie anyway).
    pub(crate) fn bytes(&mut self, v: &[u8]) -> &mut Self {
        let v = &v[..v.len().min(u16::MAX as usize)];
        self.0.extend_from_slice(&(v.len() as u16).to_be_bytes());
        self.0.extend_from_slice(v);
        self
    }
    pub(crate) fn fixed(&mut self, v: &[u8]) -> &mut Self {
        self.0.extend_from_slice(v);
        self
    }
    pub(crate) fn finish(self) -> Vec<u8> {
        self.0
    }
}

/// Reads a binary record written by [`Writer`].
pub(crate) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader(data)
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        let b: [u8; 8] = self.take(8)?.try_into().ok()?;
        Some(u64::from_be_bytes(b))
    }
    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let len: [u8; 2] = self.take(2)?.try_into().ok()?;
        self.take(u16::from_be_bytes(len) as usize)
    }
    pub(crate) fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }
    pub(crate) fn fixed<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    /// `Some(())` only when every byte was consumed: trailing data means a malformed record.
    pub(crate) fn end(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::keys::Purpose;

    fn ring() -> KeyRing {
        KeyRing::new(&[7; 32], &[], Purpose::Session)
    }

    /// The verified payload of `value`, copied out.
    fn open_vec(value: &str) -> Option<Vec<u8>> {
        open(&ring(), value, |p| Some(p.to_vec())).map(|(payload, _)| payload)
    }

    #[test]
    fn seal_then_open_round_trips() {
        let sealed = seal(&ring(), b"payload");
        assert_eq!(open_vec(&sealed).as_deref(), Some(&b"payload"[..]));
    }

    #[test]
    fn payloads_on_both_sides_of_the_stack_buffer_round_trip_and_verify() {
        for len in [
            0,
            1,
            STACK_PAYLOAD_LEN - 1,
            STACK_PAYLOAD_LEN,
            STACK_PAYLOAD_LEN + 1,
            2000,
        ] {
            let payload: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let sealed = seal(&ring(), &payload);
            assert_eq!(open_vec(&sealed), Some(payload.clone()), "length {len}");
            // One flipped payload character must fail verification on either path.
            let mut forged = sealed.into_bytes();
            if len > 0 {
                forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
                let forged = String::from_utf8(forged).unwrap_or_default();
                assert_eq!(open_vec(&forged), None, "forged, length {len}");
            }
        }
    }

    #[test]
    fn garbage_and_oversized_values_are_rejected() {
        for bad in ["", ".", "no-dot", "a.b", "!!!.???", "\u{1F600}.x"] {
            assert_eq!(open_vec(bad), None, "{bad:?}");
        }
        let huge = "A".repeat(MAX_COOKIE_LEN + 1);
        assert_eq!(open_vec(&huge), None);
    }

    #[test]
    fn reader_rejects_truncated_records() {
        let mut w = Writer::default();
        w.u8(1).u64(42).bytes(b"id");
        let data = w.finish();
        for cut in 0..data.len() {
            let mut r = Reader::new(&data[..cut]);
            let parsed = (|| Some((r.u8()?, r.u64()?, r.bytes()?)))();
            assert!(parsed.is_none(), "cut at {cut}");
        }
        let mut r = Reader::new(&data);
        assert_eq!(r.u8(), Some(1));
        assert_eq!(r.u64(), Some(42));
        assert_eq!(r.bytes(), Some(&b"id"[..]));
        assert_eq!(r.end(), Some(()));
    }
}
