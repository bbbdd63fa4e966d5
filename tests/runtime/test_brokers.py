"""The scale-out broker: Rasa's Pika broker, redacting before anything reaches RabbitMQ."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.transcripts import transcript_amqp as amqp
from tests.transcripts import transcript_events as ev
from tests.transcripts.transcript_services import AMQP_URL, need, unique_name

pytestmark = pytest.mark.services


def test_events_are_redacted_before_they_are_published() -> None:
    need("RabbitMQ", "127.0.0.1", 5672)
    from rasa.core.brokers.broker import EventBroker
    from rasa.utils.endpoints import EndpointConfig

    from bot.runtime.brokers import RedactingEventBroker

    queue, exchange = unique_name("candor_events"), unique_name("candor_exchange")
    config = EndpointConfig(url="127.0.0.1", type="bot.runtime.brokers.RedactingPikaEventBroker",
                            username="guest", password="guest", port=5672, queues=[queue],
                            exchange_name=exchange)
    event = ev.user("pika-customer", "my card is 4111 1111 1111 1111")

    async def publish_and_read() -> bytes:
        import aio_pika

        broker = await EventBroker.create(config)
        assert isinstance(broker, RedactingEventBroker)
        broker.publish(event)
        await asyncio.sleep(1.0)
        await broker.close()
        connection = await aio_pika.connect_robust(AMQP_URL)
        async with connection:
            channel = await connection.channel()
            q = await channel.declare_queue(queue, durable=True)
            message = await q.get(timeout=10)
            await message.ack()
            return bytes(message.body)

    try:
        body = json.loads(asyncio.run(publish_and_read()))
    finally:
        amqp.delete(exchange, queue)
    assert body["sender_id"] == "pika-customer"
    assert "4111" not in json.dumps(body) and "<CARD_NUMBER>" in body["text"]
