"""The official openai client (default retries: 2) against a fake OpenAI-compatible server."""
import logging

import openai

log = logging.getLogger("loadtests.llm")
MESSAGES = [{"role": "user", "content": "ping"}]


def _client(base_url, timeout=0.5):
    # max_retries is openai's default (2); a short timeout keeps the run bounded
    return openai.OpenAI(base_url=base_url, api_key="sk-rca-samples", timeout=timeout)


def _chat(client):
    return client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)


def test_chat_ok(api_base):
    reply = _chat(_client(api_base + "/openai/ok/v1"))
    log.info("reply: %s", reply.choices[0].message.content)
    assert reply.choices[0].message.content == "pong"


def test_chat_read_timeout(api_base):
    # the server stalls 2 s before answering: httpx.ReadTimeout on every attempt
    _chat(_client(api_base + "/openai/stall/v1"))


def test_chat_connect_timeout(stalled_base):
    # the listener's accept queue is full: httpx.ConnectTimeout on every attempt
    _chat(_client(stalled_base + "/v1"))


def test_chat_rate_limited(api_base):
    _chat(_client(api_base + "/openai/ratelimit/v1", timeout=2))


def test_chat_server_error(api_base):
    _chat(_client(api_base + "/openai/error500/v1", timeout=2))


def test_chat_connection_refused(refused_base):
    _chat(_client(refused_base + "/v1", timeout=2))
