// A delivery as the DeliveryRow fragment selects it: a failed one by default.
export function deliveryRow(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    createdAt: '2026-12-01T10:00:00Z',
    updatedAt: '2026-12-01T10:00:00Z',
    eventID: `evt_${id}`,
    configurationID: 'cfg_1',
    status: 'FAILED',
    eventType: 'order.paid',
    url: 'https://shop.example/hooks',
    attemptCount: 3,
    lastResponseStatus: 500,
    lastAttemptAt: '2026-12-01T10:00:07Z',
    event: { id: `evt_${id}`, metadata: { tenant: 'acme' } },
    ...over,
  };
}
