#include "codecs/resampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "codecs/g711.hpp"
#include "codecs/transcoder.hpp"

namespace {
std::uint8_t g711_encode_for_test(std::int16_t s) { return voxgate::codecs::g711::linear_to_ulaw(s); }
std::int16_t g711_decode_for_test(std::uint8_t c) { return voxgate::codecs::g711::ulaw_to_linear(c); }
}  // namespace

using voxgate::codecs::resampler;

namespace {

std::vector<std::int16_t> tone(double freq, double rate, std::size_t n, double amplitude = 10000) {
  std::vector<std::int16_t> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::int16_t>(amplitude * std::sin(2 * M_PI * freq * static_cast<double>(i) / rate));
  return out;
}

// SNR of `x` against the best-fitting sine at `freq` (fit absorbs the filters' delay and gain).
double snr_db(const std::vector<std::int16_t>& x, double freq, double rate, std::size_t skip) {
  double ss = 0, sc = 0, cc = 0, ys = 0, yc = 0;
  for (std::size_t i = skip; i < x.size(); ++i) {
    double s = std::sin(2 * M_PI * freq * static_cast<double>(i) / rate);
    double c = std::cos(2 * M_PI * freq * static_cast<double>(i) / rate);
    ss += s * s;
    sc += s * c;
    cc += c * c;
    ys += x[i] * s;
    yc += x[i] * c;
  }
  double det = ss * cc - sc * sc;
  double a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
  double signal = 0, noise = 0;
  for (std::size_t i = skip; i < x.size(); ++i) {
    double fit = a * std::sin(2 * M_PI * freq * static_cast<double>(i) / rate) +
                 b * std::cos(2 * M_PI * freq * static_cast<double>(i) / rate);
    signal += fit * fit;
    noise += (x[i] - fit) * (x[i] - fit);
  }
  return 10 * std::log10(signal / noise);
}

std::vector<std::int16_t> run_in_chunks(resampler& r, const std::vector<std::int16_t>& in, std::size_t chunk) {
  std::vector<std::int16_t> out;
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    std::size_t n = std::min(chunk, in.size() - at);
    r.process_append(std::span(in).subspan(at, n), out);
  }
  return out;
}

}  // namespace

TEST(Resampler, ToneThrough8kTo24kTo8kKeepsHighSnr) {
  // Tones not commensurate with 8 kHz, so quantization error does not fold into the tone itself
  // (a 1 kHz tone repeats every 8 samples and would flatter the figure).
  for (double freq : {313.7, 1013.7, 3013.7}) {
    auto in = tone(freq, 8000, 8000);  // 1 s
    resampler up(8000, 24000), down(24000, 8000);
    auto wide = run_in_chunks(up, in, 160);  // 20 ms frames, as a call delivers them
    auto back = run_in_chunks(down, wide, 480);
    ASSERT_GT(back.size(), 7000u);
    double reference = snr_db(in, freq, 8000, 400);  // the 16-bit input's own limit
    double snr = snr_db(back, freq, 8000, 400);
    std::printf(
        "[ figure ] %.1f Hz tone 8k->24k->8k (speex quality 5, 20 ms chunks): SNR %.1f dB (input itself: %.1f dB)\n",
        freq, snr, reference);
    EXPECT_GT(snr, 60.0) << freq;
  }
}

TEST(Resampler, ChunkingDoesNotChangeTheOutput) {
  // One stream, one state: 20 ms chunks, odd chunks and one big call must agree sample for sample.
  auto in = tone(440, 8000, 4000);
  resampler a(8000, 16000), b(8000, 16000), c(8000, 16000);
  auto whole = run_in_chunks(a, in, in.size());
  auto frames = run_in_chunks(b, in, 160);
  auto odd = run_in_chunks(c, in, 37);
  ASSERT_EQ(whole.size(), frames.size());
  ASSERT_EQ(whole.size(), odd.size());
  EXPECT_EQ(whole, frames);
  EXPECT_EQ(whole, odd);
}

TEST(Transcoder, UlawTo24kPcmAndBackPreservesATone) {
  using namespace voxgate::codecs;
  auto pcm = tone(700, 8000, 8000, 8000);
  std::string ulaw;
  for (auto s : pcm) ulaw.push_back(static_cast<char>(g711_encode_for_test(s)));
  transcoder up(audio_format::g711_ulaw(), audio_format::pcm16(24000));
  transcoder down(audio_format::pcm16(24000), audio_format::g711_ulaw());
  std::string wide, back;
  for (std::size_t at = 0; at < ulaw.size(); at += 160) up.convert(std::string_view(ulaw).substr(at, 160), wide);
  // 1 s in -> 1 s out, less the filter delay still inside the resampler (~5 ms).
  EXPECT_NEAR(static_cast<double>(wide.size()), 8000.0 * 3 * 2, 480.0);
  // Odd-sized PCM16 chunks: the split sample is carried, not lost.
  for (std::size_t at = 0; at < wide.size(); at += 961) down.convert(std::string_view(wide).substr(at, 961), back);
  std::vector<std::int16_t> decoded;
  for (unsigned char c : back) decoded.push_back(g711_decode_for_test(c));
  EXPECT_GT(snr_db(decoded, 700, 8000, 400), 25.0);
}

TEST(Transcoder, L16IsBigEndianOnTheWire) {
  using namespace voxgate::codecs;
  transcoder to_pcm(audio_format::l16(16000), audio_format::pcm16(16000));
  std::string le;
  to_pcm.convert(std::string("\x12\x34", 2), le);  // big-endian 0x1234
  ASSERT_EQ(le.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(le[0]), 0x34);
  EXPECT_EQ(static_cast<unsigned char>(le[1]), 0x12);
}

TEST(Transcoder, G722At16kRoundTripsAToneThroughPcm16) {
  using namespace voxgate::codecs;
  auto pcm = tone(1013.7, 16000, 16000, 8000);
  std::string pcm_bytes(pcm.size() * 2, '\0');
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    pcm_bytes[2 * i] = static_cast<char>(pcm[i] & 0xFF);
    pcm_bytes[2 * i + 1] = static_cast<char>((pcm[i] >> 8) & 0xFF);
  }
  transcoder enc(audio_format::pcm16(16000), audio_format::g722());
  transcoder dec(audio_format::g722(), audio_format::pcm16(16000));
  std::string g722, back;
  for (std::size_t at = 0; at < pcm_bytes.size(); at += 642)
    enc.convert(std::string_view(pcm_bytes).substr(at, 642), g722);
  EXPECT_NEAR(static_cast<double>(g722.size()), 8000.0, 2.0);  // 64 kbit/s
  for (std::size_t at = 0; at < g722.size(); at += 160) dec.convert(std::string_view(g722).substr(at, 160), back);
  std::vector<std::int16_t> decoded(back.size() / 2);
  for (std::size_t i = 0; i < decoded.size(); ++i)
    decoded[i] = static_cast<std::int16_t>(static_cast<unsigned char>(back[2 * i]) |
                                           (static_cast<unsigned char>(back[2 * i + 1]) << 8));
  double snr = snr_db(decoded, 1013.7, 16000, 800);
  std::printf("[ figure ] G.722 round trip of a 1013.7 Hz tone: SNR %.1f dB\n", snr);
  EXPECT_GT(snr, 20.0);
}
