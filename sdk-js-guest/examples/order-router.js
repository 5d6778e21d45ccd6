// A transformer with two output ports: normalises an incoming order and fires `valid` with the
// cleaned order, or `invalid` with the list of problems and the original order. Declare the ports in
// the flow (`ports: [valid, invalid]`). Same behaviour as the Rust SDK's order_router.
import { defineNode } from '@xerv/sdk-js-guest';

export default defineNode((order, ctx) => {
  const problems = [];
  const id = String(order.id ?? '').trim();
  if (id === '') {
    problems.push('id is missing');
  }
  const email = String(order.email ?? '').trim().toLowerCase();
  if (!email.includes('@')) {
    problems.push(`email '${email}' is not an address`);
  }
  let total = 0;
  let lines = 0;
  const items = order.items ?? [];
  if (items.length === 0) {
    problems.push('items is empty');
  }
  items.forEach((item, i) => {
    const qty = item.qty ?? 0;
    const price = item.price ?? -1;
    if (qty <= 0 || price < 0) {
      problems.push(`items[${i}] needs a positive qty and a price`);
    } else {
      total += qty * price;
      lines += 1;
    }
  });
  if (problems.length > 0) {
    ctx.log.warn(`order '${id}' rejected: ${problems.join('; ')}`);
    return ctx.emit('invalid', { problems, order });
  }
  return ctx.emit('valid', {
    id,
    email,
    currency: String(order.currency ?? 'EUR').toUpperCase(),
    lines,
    total: Math.round(total * 100) / 100,
    received_at_ns: String(BigInt(ctx.now()) * 1_000_000n),
  });
});
