//! The FlexBuffers writer and reader against each other, and the reader against bytes that are not
//! FlexBuffers: it must answer None, never panic.
use xerv_guest::{Builder, Kind, Value};

fn sample() -> Vec<u8> {
    let mut b = Builder::new();
    b.map(|m| {
        m.string("id", "o-1");
        m.float("amount", 12.5);
        m.int("qty", -3);
        m.bool("paid", true);
        m.null("note");
        m.bytes("raw", &[1, 2, 3]);
        m.list("items", |l| {
            l.map(|i| {
                i.string("sku", "a");
                i.float("price", 2.5);
            });
            l.map(|i| {
                i.string("sku", "b");
                i.float("price", 7.25);
            });
        });
        m.map("customer", |c| c.map("address", |a| a.string("city", "London")));
    });
    b.finish()
}

#[test]
fn written_values_read_back() {
    let bytes = sample();
    let v = Value::root(&bytes).expect("a root");
    assert_eq!(v.kind(), Kind::Map);
    assert_eq!(v.len(), 8);
    assert_eq!(v.str_or("id", ""), "o-1");
    assert_eq!(v.get("amount").and_then(|x| x.as_f64()), Some(12.5));
    assert_eq!(v.get("qty").and_then(|x| x.as_i64()), Some(-3));
    assert_eq!(v.get("paid").and_then(|x| x.as_bool()), Some(true));
    assert!(v.get("note").map(|x| x.is_null()).unwrap_or(false));
    assert!(v.get("missing").is_none());
    assert_eq!(v.get("raw").and_then(|x| x.as_bytes()), Some(&[1u8, 2, 3][..]));
    assert_eq!(v.path("items[1].price").and_then(|x| x.as_f64()), Some(7.25));
    assert_eq!(v.path("customer.address.city").and_then(|x| x.as_str()), Some("London"));
    let keys: Vec<&str> = v.entries().map(|(k, _)| k).collect();
    assert_eq!(keys, ["amount", "customer", "id", "items", "note", "paid", "qty", "raw"]);
}

#[test]
fn a_later_key_replaces_an_earlier_one() {
    let mut b = Builder::new();
    b.map(|m| {
        m.int("a", 1);
        m.int("a", 2);
    });
    let bytes = b.finish();
    let v = Value::root(&bytes).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v.get("a").and_then(|x| x.as_i64()), Some(2));
}

#[test]
fn copied_values_keep_their_content() {
    let bytes = sample();
    let v = Value::root(&bytes).unwrap();
    let mut b = Builder::new();
    b.value(v);
    let copy = b.finish();
    let w = Value::root(&copy).unwrap();
    assert_eq!(w.path("items[0].sku").and_then(|x| x.as_str()), Some("a"));
    assert_eq!(w.get("raw").and_then(|x| x.as_bytes()), Some(&[1u8, 2, 3][..]));
}

/// Reads everything reachable, as a guest would; must not panic whatever the bytes are.
fn walk(v: Value<'_>, depth: usize) -> usize {
    if depth > 64 {
        return 0;
    }
    let mut n = 1;
    let _ = (v.as_bool(), v.as_i64(), v.as_f64(), v.as_str(), v.as_bytes(), v.get("id"));
    for e in v.iter().take(1000) {
        n += walk(e, depth + 1);
    }
    for (_, e) in v.entries().take(1000) {
        n += walk(e, depth + 1);
    }
    n
}

#[test]
fn damaged_bytes_never_panic() {
    let bytes = sample();
    // Every truncation, and every single-byte change.
    for cut in 0..bytes.len() {
        if let Some(v) = Value::root(&bytes[..cut]) {
            walk(v, 0);
        }
    }
    for i in 0..bytes.len() {
        for x in [0u8, 1, 2, 4, 8, 0x7f, 0x80, 0xff] {
            let mut b = bytes.clone();
            b[i] = x;
            if let Some(v) = Value::root(&b) {
                walk(v, 0);
            }
        }
    }
}
