//! A fraud scorer: reads nested fields of an order (customer, device, line items) in place and emits
//! the order's risk score with the reasons behind it. The threshold comes from the node's config
//! (`inputs: {threshold: ...}`), defaulting to 0.8.
use xerv_guest::{node, Builder, Context};

node!(run);

fn run(ctx: &Context) -> Result<(), String> {
    let order = ctx.input("in").ok_or("the node has no input")?;
    let threshold = ctx.input("threshold").and_then(|v| v.as_f64()).unwrap_or(0.8);

    let amount = order.f64_or("amount", 0.0);
    let mut score = 0.0f64;
    let mut reasons: Vec<&str> = Vec::new();

    if amount > 1000.0 {
        score += 0.35;
        reasons.push("large amount");
    }
    let customer_country = order.path("customer.address.country").and_then(|v| v.as_str()).unwrap_or("");
    let ip_country = order.path("device.ip_country").and_then(|v| v.as_str()).unwrap_or("");
    if !customer_country.is_empty() && !ip_country.is_empty() && customer_country != ip_country {
        score += 0.3;
        reasons.push("device country differs from billing country");
    }
    if order.path("customer.account_age_days").and_then(|v| v.as_i64()).unwrap_or(0) < 30 {
        score += 0.2;
        reasons.push("new account");
    }
    let mut gift_cards = 0i64;
    if let Some(items) = order.get("items") {
        for item in items.iter() {
            if item.str_or("category", "") == "gift_card" {
                gift_cards += item.i64_or("qty", 1);
            }
        }
    }
    if gift_cards >= 3 {
        score += 0.25;
        reasons.push("many gift cards");
    }
    if score > 1.0 {
        score = 1.0;
    }
    let flagged = score >= threshold;
    let id = order.str_or("id", "?");
    if flagged {
        ctx.warn(&format!("order {} scored {:.2} (threshold {:.2})", id, score, threshold));
    } else {
        ctx.info(&format!("order {} scored {:.2}", id, score));
    }

    let mut out = Builder::new();
    out.map(|m| {
        m.string("id", id);
        m.float("amount", amount);
        m.float("risk_score", (score * 100.0).round() / 100.0);
        m.bool("flagged", flagged);
        m.list("reasons", |l| {
            for r in &reasons {
                l.string(r);
            }
        });
    });
    ctx.emit("out", out)
}
