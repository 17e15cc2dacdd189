// SPDX-License-Identifier: GPL-3.0-or-later
//
// The official OpenAI and Anthropic SDKs against the Adiuva loopback endpoint: a streamed and
// a non-streamed chat with each, and embeddings with the OpenAI SDK, printed as one JSON object.
//
//   node clients.mjs BASE_URL TOKEN OPENAI_MODEL ANTHROPIC_MODEL EMBEDDING_MODEL
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

const [base, token, openaiModel, anthropicModel, embeddingModel] = process.argv.slice(2);
if (!base || !token || !openaiModel || !anthropicModel || !embeddingModel) {
  console.error(
    'usage: node clients.mjs BASE_URL TOKEN OPENAI_MODEL ANTHROPIC_MODEL EMBEDDING_MODEL');
  process.exit(2);
}

const messages = [{ role: 'user', content: 'Say hello.' }];
const result = {};

const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: token, maxRetries: 0 });

const completion = await openai.chat.completions.create({ model: openaiModel, messages });
result.openai = {
  object: completion.object,
  model: completion.model,
  text: completion.choices[0].message.content,
  finish_reason: completion.choices[0].finish_reason,
};

const stream = await openai.chat.completions.create({
  model: openaiModel,
  messages,
  stream: true,
  stream_options: { include_usage: true },
});
let streamed = '';
let chunks = 0;
let usage = null;
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.delta?.content ?? '';
  usage = chunk.usage ?? usage;
}
result.openai_stream = { chunks, text: streamed, usage };

try {
  await new OpenAI({ baseURL: `${base}/v1`, apiKey: 'wrong', maxRetries: 0 }).chat.completions
    .create({ model: openaiModel, messages });
  result.openai_wrong_token = 'accepted';
} catch (error) {
  result.openai_wrong_token = { status: error.status, name: error.constructor.name };
}

// The SDK asks for base64 unless told otherwise, and decodes it itself.
const embedded = await openai.embeddings.create({ model: embeddingModel, input: 'Hello world' });
const floats = await openai.embeddings.create({
  model: embeddingModel,
  input: ['Hello world'],
  encoding_format: 'float',
});
result.openai_embeddings = {
  object: embedded.object,
  model: embedded.model,
  count: embedded.data.length,
  dimensions: embedded.data[0].embedding.length,
  first: embedded.data[0].embedding.slice(0, 4),
  usage: embedded.usage,
  float_count: floats.data.length,
  float_first: floats.data[0].embedding.slice(0, 4),
};

const anthropic = new Anthropic({ baseURL: base, apiKey: token, maxRetries: 0 });

const message = await anthropic.messages.create({
  model: anthropicModel,
  max_tokens: 64,
  messages,
});
result.anthropic = {
  type: message.type,
  model: message.model,
  text: message.content.filter((b) => b.type === 'text').map((b) => b.text).join(''),
  stop_reason: message.stop_reason,
};

const anthropicStream = anthropic.messages.stream({
  model: anthropicModel,
  max_tokens: 64,
  messages,
});
let anthropicText = '';
anthropicStream.on('text', (text) => {
  anthropicText += text;
});
const final = await anthropicStream.finalMessage();
result.anthropic_stream = {
  text: anthropicText,
  final_text: final.content.filter((b) => b.type === 'text').map((b) => b.text).join(''),
  stop_reason: final.stop_reason,
};

console.log(JSON.stringify(result));
