//! A transformer with two output ports: normalises an incoming order and fires `valid` with the
//! cleaned order, or `invalid` with the list of problems and the original order.
use xerv_guest::{node, Builder, Context};

node!(run);

fn run(ctx: &Context) -> Result<(), String> {
    let order = ctx.input("in").ok_or("the node has no input")?;
    let mut problems: Vec<String> = Vec::new();

    let id = order.str_or("id", "").trim();
    if id.is_empty() {
        problems.push("id is missing".to_string());
    }
    let email = order.str_or("email", "").trim().to_ascii_lowercase();
    if !email.contains('@') {
        problems.push(format!("email '{}' is not an address", email));
    }
    let mut total = 0.0f64;
    let mut lines = 0usize;
    match order.get("items") {
        Some(items) if items.len() > 0 => {
            for (i, item) in items.iter().enumerate() {
                let qty = item.i64_or("qty", 0);
                let price = item.f64_or("price", -1.0);
                if qty <= 0 || price < 0.0 {
                    problems.push(format!("items[{}] needs a positive qty and a price", i));
                } else {
                    total += qty as f64 * price;
                    lines += 1;
                }
            }
        }
        _ => problems.push("items is empty".to_string()),
    }

    let mut out = Builder::new();
    if problems.is_empty() {
        out.map(|m| {
            m.string("id", id);
            m.string("email", &email);
            m.string("currency", &order.str_or("currency", "EUR").to_ascii_uppercase());
            m.int("lines", lines as i64);
            m.float("total", (total * 100.0).round() / 100.0);
            m.string("received_at_ns", &ctx.now_nanos().to_string());
        });
        ctx.emit("valid", out)
    } else {
        ctx.warn(&format!("order '{}' rejected: {}", id, problems.join("; ")));
        out.map(|m| {
            m.list("problems", |l| {
                for p in &problems {
                    l.string(p);
                }
            });
            m.value("order", order);
        });
        ctx.emit("invalid", out)
    }
}
