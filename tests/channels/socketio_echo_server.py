"""Candor's socket.io channel on a real Sanic server, with a stand-in for Rasa's agent.

``python -m tests.channels.socketio_echo_server PORT [--no-persistence] [--message-queue URL]
[--workers N]``: the channel is mounted exactly as ``rasa run`` mounts it
(``rasa.core.channels.channel.register``, then ``app.run(workers=N)``), so the unit tests drive the real server stack with a real
socket.io client without a trained model.
"""

from __future__ import annotations

import argparse

from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from bot.channels.socketio import CandorSocketIOInput


class EchoAgent:
    """Answers every message with a disclosure and an echo of what the channel passed on.

    ``raise`` makes it fail (E025) and ``silence`` makes it answer nothing (E026).
    """

    async def handle_message(self, message: UserMessage) -> None:
        if message.text == "raise":
            raise RuntimeError("the agent failed")
        if message.text == "silence":
            return
        out = message.output_channel
        await out.send_response(
            message.sender_id,
            {
                "text": "I'm an AI assistant, not a person.",
                "buttons": [{"title": "Talk to a person", "payload": "/request_human"}],
                "utter_action": "utter_ai_disclosure",
                "compliance_rules": ["ai-disclosure"],
            },
        )
        echo = {"sender": message.sender_id, "text": message.text, "metadata": message.metadata}
        await out.send_response(message.sender_id, {"custom": echo, "utter_action": "utter_echo"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--no-persistence", action="store_true")
    parser.add_argument("--message-queue")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    app = Sanic("candor_socketio_test")
    credentials = {
        "session_persistence": not args.no_persistence,
        "message_queue": args.message_queue,
    }
    channel = CandorSocketIOInput.from_credentials(credentials)
    register([channel], app, route="/webhooks/")
    app.ctx.agent = EchoAgent()
    app.run(host="127.0.0.1", port=args.port, workers=args.workers, access_log=False, motd=False)


if __name__ == "__main__":
    main()
