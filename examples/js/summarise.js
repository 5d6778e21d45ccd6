// A flow-local JS node: turns the order router's clean order into one receipt line. It reads the
// shop's name from its params and needs no bundling (it imports nothing but the SDK).
import { defineNode } from '@xerv/sdk-js-guest';

export default defineNode((order, ctx) => {
  const money = `${order.currency} ${order.total.toFixed(2)}`;
  return {
    order: order.id,
    line: `${ctx.config.shop}: order ${order.id} for ${order.email}, ${order.lines} line(s), ${money}`,
  };
});
