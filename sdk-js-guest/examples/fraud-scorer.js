// A fraud scorer: reads nested fields of an order (customer, device, line items) and returns the
// order's risk score with the reasons behind it. The threshold comes from the node's params
// (`params: {threshold: ...}`), defaulting to 0.8. Same behaviour as the Rust SDK's fraud_scorer.
//
//   node bin/xerv-node.js examples/fraud-scorer.js --input examples/fraud-scorer.input.json \
//     --params-json '{"threshold": 0.7}'
import { defineNode } from '@xerv/sdk-js-guest';

export default defineNode((order, ctx) => {
  const threshold = ctx.config.threshold ?? 0.8;
  const amount = order.amount ?? 0;
  let score = 0;
  const reasons = [];
  if (amount > 1000) {
    score += 0.35;
    reasons.push('large amount');
  }
  const customerCountry = order.customer?.address?.country ?? '';
  const ipCountry = order.device?.ip_country ?? '';
  if (customerCountry !== '' && ipCountry !== '' && customerCountry !== ipCountry) {
    score += 0.3;
    reasons.push('device country differs from billing country');
  }
  if ((order.customer?.account_age_days ?? 0) < 30) {
    score += 0.2;
    reasons.push('new account');
  }
  let giftCards = 0;
  for (const item of order.items ?? []) {
    if (item.category === 'gift_card') {
      giftCards += item.qty ?? 1;
    }
  }
  if (giftCards >= 3) {
    score += 0.25;
    reasons.push('many gift cards');
  }
  score = Math.min(score, 1);
  const flagged = score >= threshold;
  const id = order.id ?? '?';
  if (flagged) {
    ctx.log.warn(`order ${id} scored ${score.toFixed(2)} (threshold ${threshold.toFixed(2)})`);
  } else {
    ctx.log.info(`order ${id} scored ${score.toFixed(2)}`);
  }
  return { id, amount, risk_score: Math.round(score * 100) / 100, flagged, reasons };
});
