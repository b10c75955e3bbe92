#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/: a handful of small, real-looking inputs per
target (shapes from the providers' documentation and the unit tests). Re-run after changing it."""
import base64
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SID = "CA" + "0123456789abcdef" * 2
MZ = "MZ" + "fedcba9876543210" * 2
CCID = "v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg"


def fdp(*fields, tail=b""):
    """FuzzedDataProvider layout: strings in order (a backslash and any other byte ends one; a
    doubled backslash is a literal one), integral values taken from the end of the input."""
    out = b""
    for f in fields:
        f = f.encode() if isinstance(f, str) else f
        out += f.replace(b"\\", b"\\\\") + b"\\\n"
    return out + tail


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


ulaw = bytes([0xFF, 0x7F, 0x00, 0x80, 0x55, 0xD5] * 10)
pay = base64.b64encode(ulaw).decode()

# codecs
for i, s in enumerate(["", "Zg==", "Zm8=", "Zm9vYmFy", pay, "QR==", "Zm9v\n", "-_8="]):
    write("base64", f"seed{i}", s)
write("g711", "ulaw", ulaw)
write("g711", "pcm", struct.pack("<8h", 0, 1, -1, 32767, -32768, 1000, -1000, 8159))
write("g722", "silence", bytes(160))
write("g722", "mixed", bytes(range(256)))
pcm = struct.pack("<16h", *range(-8, 8))
fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
write("wav", "mono16", b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
      + b"data" + struct.pack("<I", len(pcm)) + pcm)
write("wav", "list_chunk", b"RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + fmt + b"LIST\x03\x00\x00\x00abc\x00data\x04\x00\x00\x00\x01\x00\x02\x00")
write("wav", "stereo", b"RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + struct.pack("<HHIIHH", 1, 2, 8000, 32000, 4, 16))

# JSON and the dialects that read it
twilio_media = {
    "connected": '{"event":"connected","protocol":"Call","version":"1.0.0"}',
    "start": '{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC123","streamSid":"%s","callSid":"%s",'
             '"tracks":["inbound"],"customParameters":{"token":"abc.1.ff"},"mediaFormat":{"encoding":"audio/x-mulaw",'
             '"sampleRate":8000,"channels":1}},"streamSid":"%s"}' % (MZ, SID, MZ),
    "media": '{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5",'
             '"payload":"%s"},"streamSid":"%s"}' % (pay, MZ),
    "mark": '{"event":"mark","sequenceNumber":"4","streamSid":"%s","mark":{"name":"reply-1"}}' % MZ,
    "dtmf": '{"event":"dtmf","streamSid":"%s","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"1"}}' % MZ,
    "stop": '{"event":"stop","sequenceNumber":"6","stop":{"accountSid":"AC123","callSid":"%s"},"streamSid":"%s"}' % (SID, MZ),
    "numbers": '{"event":"media","sequenceNumber":7,"media":{"chunk":2,"timestamp":40,"payload":"/w=="}}',
}
for k, v in twilio_media.items():
    write("twilio_media", k, v)
telnyx_media = {
    "connected": '{"event":"connected","version":"1.0.0"}',
    "start": '{"event":"start","sequence_number":"1","stream_id":"32de0dea","start":{"user_id":"u1","call_control_id":'
             '"%s","call_session_id":"428c31b6","from":"+13125550100","to":"+13125550199","client_state":null,'
             '"media_format":{"encoding":"L16","sample_rate":16000,"channels":1},"custom_parameters":{"a":"b"}}}' % CCID,
    "media": '{"event":"media","sequence_number":"4","media":{"track":"inbound","chunk":"2","timestamp":"40",'
             '"payload":"%s"},"stream_id":"32de0dea"}' % pay,
    "mark": '{"event":"mark","stream_id":"32de0dea","mark":{"name":"m1"}}',
    "error": '{"event":"error","payload":{"code":100002,"title":"unknown error","detail":"bad payload"}}',
    "stop": '{"event":"stop","sequence_number":"9","stream_id":"32de0dea"}',
    "dtmf": '{"event":"dtmf","sequence_number":"5","dtmf":{"digit":"#"}}',
}
for k, v in telnyx_media.items():
    write("telnyx_media", k, v)
openai = {
    "delta": '{"type":"response.output_audio.delta","event_id":"e1","response_id":"resp_1","item_id":"item_1",'
             '"output_index":0,"content_index":0,"delta":"%s"}' % pay,
    "speech_started": '{"type":"input_audio_buffer.speech_started","audio_start_ms":1000,"item_id":"item_2"}',
    "speech_stopped": '{"type":"input_audio_buffer.speech_stopped","audio_end_ms":"2000","item_id":"item_2"}',
    "function": '{"type":"response.function_call_arguments.done","call_id":"call_1","name":"hang_up",'
                '"arguments":"{\\"reason\\":\\"done\\"}","item_id":"item_3"}',
    "done": '{"type":"response.done","response":{"id":"resp_1","status":"completed","output":[]}}',
    "error": '{"type":"error","error":{"type":"invalid_request_error","code":"bad","message":"nope \\u00e9"}}',
    "session": '{"type":"session.created","session":{"id":"sess_1","audio":{"input":{"format":{"type":"audio/pcmu"}}}}}',
}
for k, v in openai.items():
    write("openai_events", k, v)
hook = lambda t, extra="": ('{"data":{"record_type":"event","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","event_type":"%s",'
                            '"occurred_at":"2026-11-21T10:00:00.000000Z","payload":{"call_control_id":"%s",'
                            '"call_leg_id":"leg-1","call_session_id":"428c31b6","from":"+13125550100","to":"+13125550199",'
                            '"direction":"incoming","state":"parked"%s}},"meta":{"attempt":1}}' % (t, CCID, extra))
write("telnyx_webhook", "initiated", hook("call.initiated", ',"client_state":"aGk="'))
write("telnyx_webhook", "hangup", hook("call.hangup", ',"hangup_cause":"normal_clearing"'))
write("telnyx_webhook", "dtmf", hook("call.dtmf.received", ',"digit":"5"'))
write("telnyx_webhook", "streaming_failed", hook("streaming.failed", ',"failure_reason":"connection refused"'))
write("telnyx_webhook", "other", '{"data":{"id":"x","event_type":"call.recording.saved","payload":{}}}')
for i, v in enumerate(['{"errors":[{"code":"90018","title":"Call has already ended","detail":"x"}]}',
                       '{"errors":[{"code":"10005","detail":"Resource not found"}]}', "<html>bad gateway</html>",
                       '{"errors":[]}']):
    write("telnyx_rest", f"seed{i}", v + "\x01\xa6")  # last bytes: the status
for k, v in {"object": '{"a":[1,2.5e3,-0,true,null,{"b":"\\u00e9\\n"}],"c":"18446744073709551615","d":"12"}',
             "array": '[[[[{"x":[]}]]]]', "string": '"\\ud83d\\ude00 \\" \\\\"', "deep": "[" * 64 + "]" * 64,
             "too_deep": "[" * 65 + "]" * 65, "brackets_in_string": '{"a":"[[[[\\"{{{{"}',
             "bad": '{"a":1,}'}.items():
    write("json", k, v)
for k, v in twilio_media.items():
    write("json", "twilio_" + k, v)

# forms, URLs, TwiML, headers
form = ("AccountSid=AC_voxgate_simulated&ApiVersion=2010-04-01&CallSid=%s&CallStatus=ringing&Direction=inbound"
        "&From=%%2B13125550100&To=%%2B13125550199&Caller=Alice+Smith" % SID)
write("twilio_webhook", "voice", form)
write("twilio_webhook", "bad_escape", "CallSid=%zz")
write("twilio_webhook", "no_sid", "From=%2B1&&To=2")
for i, v in enumerate(["https://Example.com:8443/twilio/voice?x=1#frag", "wss://gw.example.com/twilio/media",
                       "http://[::1]:8080/a", "ws://localhost", "https://a.b/c%20d?e=f&g=h", form, "a=%41+b&c"]):
    write("url", f"seed{i}", v)
write("twilio_signature", "seed0", fdp("12345", "https://example.com/twilio/voice", "ZmFrZQ==", tail=form.encode()))
write("twilio_signature", "seed1", fdp("tok", "http://example.com:80/x?y=1", "", tail=b"A=1&B=2&A=0"))
write("twiml", "connect", '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://gw.example.com/'
      'twilio/media"><Parameter name="token" value="CA1.2.ab&amp;c"/><Parameter name="x" value="&lt;y&gt;"/>'
      '</Stream></Connect></Response>')
write("twiml", "say", '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Busy &apos;now&apos;</Say><Hangup/></Response>')
write("twiml", "broken", '<Response><Stream url="wss://x><Parameter name="a"')
write("headers", "response", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
write("headers", "content", "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: text/xml\r\n\r\n<Response/>")
write("headers", "fdp", fdp("Content-Length", "  42", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "host", "A"))
for i, v in enumerate(["https://gw.example.com/", "http://localhost:8080/prefix//", "https://gw.example.com/?q=1",
                       "ftp://x", "https://GW.example.com:443/a/b"]):
    write("public_url", f"seed{i}", v)
write("public_url", "headers", fdp("\x01https", "\x02gw.example.com, proxy", "\x00internal:8080"))

# tokens, frames, signatures
write("call_token", "seed0", fdp(SID, tail=SID.encode() + b".1999999999.00" + b"\x00" * 16))
write("call_token", "seed1", fdp(CCID, tail=b"v3:x.-5.ab\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x01"))
write("call_token", "seed2", b"bad token with spaces")
write("ws_frame", "text", b"\x81\x05hello\x82\x02\x00\x01")
write("ws_frame", "fragments", b"\x01\x03abc\x89\x00\x80\x03def\x88\x02\x03\xe8")
write("ws_frame", "long", b"\x82\x7e\x01\x00" + bytes(256) + b"\x82\x7f" + struct.pack(">Q", 3) + b"xyz")
write("ws_frame", "masked", b"\x81\x85\x01\x02\x03\x04abcde")
write("telnyx_signature", "seed0", fdp("\x01", "1700000000", "A" * 86 + "==", tail=b'{"data":{}}'))
write("telnyx_signature", "seed1", fdp("x", "-5", "c2ln", tail=b"body"))
write("telnyx_signature", "seed2", b"\x08" + fdp("0", "1700000000", "x", tail=b"{}"))

# the cluster relay's messages between instances (cluster/wire.hpp), each with an event after it
EVENT = ('{"provider":"telnyx","id":"evt-3","kind":"hangup","call":"' + CCID +
         '","session":"428c31b6","detail":"normal_clearing"}')
START = ('{"event":"start","sequenceNumber":"1","start":{"callSid":"' + SID + '","streamSid":"' + MZ +
         '","customParameters":{"token":"' + SID + '.1999999999.ab"}},"streamSid":"' + MZ + '"}')
write("relay_wire", "open", fdp("O 1 twilio " + SID + ".1999999999.ab\n" + START, tail=EVENT.encode()))
write("relay_wire", "open_no_token", fdp("O 7 telnyx \n" + START, tail=b'{"provider":"twilio"}'))
write("relay_wire", "frame", fdp('F 2\n{"event":"media","media":{"payload":"' + pay + '"}}',
                                 tail=EVENT.replace("hangup", "dtmf").encode()))
write("relay_wire", "audio", fdp("A 4294967295\n" + pay, tail=b"[[[[[["))
write("relay_wire", "close", fdp("C 3\nrelay lost: owner unreachable", tail=b"{}"))
write("relay_wire", "bad", fdp("X 1 extra words\nbody", tail=b"not json"))
