//! The guest behind the host's conformance suite: the input's `op` field picks one behaviour.
//! It also shows every SDK call in one place.
use xerv_guest::{node, Builder, Context, Kind, Value};

node!(run);

fn kind(v: Value<'_>) -> &'static str {
    match v.kind() {
        Kind::Null => "null",
        Kind::Bool => "bool",
        Kind::Int => "int",
        Kind::Float => "float",
        Kind::String => "string",
        Kind::Bytes => "bytes",
        Kind::List => "list",
        Kind::Map => "map",
    }
}

/// Kept out of `run` so that it compiles on its own (a very large function may be interpreted).
#[inline(never)]
fn sum(bytes: &[u8]) -> u64 {
    bytes.iter().map(|b| *b as u64).sum()
}

fn run(ctx: &Context) -> Result<(), String> {
    let input = ctx.input("in").ok_or("the node has no input")?;
    let op = input.str_or("op", "echo");
    match op {
        // Passes the input on: its own bytes, straight from the arena.
        "echo" => {
            let i = ctx.inputs().iter().find(|i| i.name() == "in").ok_or("no input")?;
            ctx.emit_bytes("out", i.bytes())
        }
        // Reads nested fields and reports what it found, and how the input was read.
        "read" => {
            let mut out = Builder::new();
            let in_place = ctx.inputs()[0].in_place();
            out.map(|m| {
                m.string("city", input.path("customer.address.city").and_then(|v| v.as_str()).unwrap_or("?"));
                m.float("second_price", input.path("items[1].price").and_then(|v| v.as_f64()).unwrap_or(-1.0));
                m.int("items", input.get("items").map(|v| v.len() as i64).unwrap_or(-1));
                m.bool("missing_is_none", input.get("nope").is_none());
                m.list("kinds", |l| {
                    for (_, v) in input.entries() {
                        l.string(kind(v));
                    }
                });
                m.bool("in_place", in_place);
                m.list("names", |l| {
                    for i in ctx.inputs() {
                        l.string(i.name());
                    }
                });
                if let Some(t) = ctx.input("threshold") {
                    m.value("threshold", t);
                }
            });
            ctx.emit("out", out)
        }
        // Builds one value of every kind.
        "write" => {
            let mut out = Builder::new();
            out.map(|m| {
                m.null("null");
                m.bool("yes", true);
                m.int("int", -42);
                m.float("pi", 3.25);
                m.string("text", "héllo");
                m.bytes("raw", &[1, 2, 3]);
                m.list("list", |l| {
                    l.int(1);
                    l.string("two");
                    l.map(|m2| m2.bool("three", true));
                });
                m.map("nested", |m2| {
                    m2.string("b", "second");
                    m2.string("a", "first");
                });
            });
            ctx.emit("out", out)
        }
        "json" => ctx.emit_json("out", r#"{"from":"json","n":[1,2.5,"x"]}"#),
        "port" => {
            let port = input.str_or("port", "out");
            let mut out = Builder::new();
            out.map(|m| m.string("port", port));
            ctx.emit(port, out)
        }
        "fail" => Err(format!("refused: {}", input.str_or("reason", "no reason"))),
        // Never returns: the host's cpu_limit_ms stops it.
        "spin" => {
            let mut x = input.i64_or("seed", 1) as u64;
            loop {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if x == 0 {
                    break;
                }
            }
            Err(format!("{}", x))
        }
        "log" => {
            ctx.info("info line");
            ctx.warn("warn line");
            ctx.log(xerv_guest::Level::Error, "error line");
            ctx.emit_bytes("out", ctx.inputs()[0].bytes())
        }
        "services" => {
            let mut out = Builder::new();
            out.map(|m| {
                m.string("now", &ctx.now_nanos().to_string());
                m.string("random", &ctx.random_u64().to_string());
                m.string("uuid", &ctx.uuid_v4_string());
            });
            ctx.emit("out", out)
        }
        "env" => {
            let mut out = Builder::new();
            out.map(|m| {
                for (name, value) in [
                    ("granted_env", ctx.env("XERV_TEST_REGION")),
                    ("ungranted_env", ctx.env("XERV_TEST_HIDDEN")),
                    ("granted_secret", ctx.secret("API_KEY").map(|s| format!("{} chars", s.len()))),
                    ("ungranted_secret", ctx.secret("DB_PASSWORD")),
                    ("long_env", ctx.env("XERV_TEST_LONG").map(|s| format!("{} chars", s.len()))),
                ] {
                    match value {
                        Some(v) => m.string(name, &v),
                        None => m.null(name),
                    }
                }
            });
            if let Some(s) = ctx.secret("API_KEY") {
                ctx.info(&format!("using key {}", s));
            }
            ctx.emit("out", out)
        }
        // Sums 1 MiB-class byte inputs: the in-place vs copied benchmark.
        "sum" => {
            let total = input.get("data").and_then(|v| v.as_bytes()).map(sum).unwrap_or(0);
            let mut out = Builder::new();
            out.int(total as i64);
            ctx.emit("out", out)
        }
        "panic" => panic!("the guest panicked on purpose"),
        other => Err(format!("unknown op '{}'", other)),
    }
}
