"""A tiny causal language model and a tokenizer built locally, so the training loop runs on a CPU with no hub access.

``--model tiny`` in ``kernelgym train`` and ``kernelgym sft`` builds a randomly initialised Llama-architecture model
from a config, and a byte-level tokenizer (every byte is one token, no merges) with a chat template and pad/end
tokens, and saves both in one folder that ``from_pretrained`` loads like any other model. It exists for tests and
demonstrations: it learns simple text tasks within minutes on two CPU cores; it will never write a kernel.

Every byte sequence is encodable, so any prompt (a kernel problem, a math question) tokenizes, at one token per
byte. The answer tags of the text environments (``<answer>``, ``</answer>``, ``<think>``, ``</think>``) are single
tokens: the model then learns the answer format in a 40-step warm-up (``kernelgym sft``) rather than hundreds of
steps spelling the tags byte by byte (measured on Countdown: 42% of samples close an answer block after 40 steps
with the tags as tokens; none after 200 steps without). The chat template is::

    <|user|>{prompt}<|end|><|assistant|>{answer}<|end|>

so the prompt with its generation prompt is a prefix of the full conversation, as TRL's SFTTrainer requires, and
the model ends its answer with ``<|end|>`` (its end-of-sequence token).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from ..field_checks import integer, number, require

PAD, END = "<|pad|>", "<|end|>"
ROLES = ("<|system|>", "<|user|>", "<|assistant|>")
TAGS = ("<answer>", "</answer>", "<think>", "</think>")  # ordinary tokens: decoded with the text, never skipped
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


@dataclass(frozen=True)
class TinyConfig:
    """The shape of the tiny model.

    Attributes:
        hidden_size: Width of the residual stream.
        intermediate_size: Width of the MLP.
        num_hidden_layers: Transformer blocks.
        num_attention_heads: Attention heads (all of them key/value heads too).
        max_position_embeddings: Longest sequence (prompt and completion, in bytes).
        initializer_range: Standard deviation of the initial weights. Larger than Llama's 0.02, so that the random
            model's next-token distribution is not almost uniform and GRPO's groups differ from the first step.
        seed: Seed of the random initialisation.
    """

    hidden_size: int = 64
    intermediate_size: int = 192
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    max_position_embeddings: int = 8192
    initializer_range: float = 0.1
    seed: int = 0

    def __post_init__(self):
        """Refuse a shape that cannot be built, naming the field."""
        for name in ("hidden_size", "intermediate_size", "num_hidden_layers", "max_position_embeddings"):
            integer(self, name, minimum=1)
        integer(self, "num_attention_heads", minimum=1)
        require(self, "num_attention_heads", self.hidden_size % self.num_attention_heads == 0,
                f"a divisor of hidden_size ({self.hidden_size})")
        number(self, "initializer_range", above=0)
        integer(self, "seed", minimum=0)


def build_tokenizer():
    """A byte-level tokenizer with no merges: 256 byte tokens, the pad, end and role tokens, and the answer tags.

    Returns:
        A ``transformers.PreTrainedTokenizerFast`` with ``pad_token``, ``eos_token`` and a chat template.

    >>> tok = build_tokenizer()
    >>> tok.decode(tok("héllo")["input_ids"])
    'héllo'
    >>> tok.tokenize("<answer>1</answer>")
    ['<answer>', '1', '</answer>']
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = pre_tokenizers.ByteLevel.alphabet()
    vocab = {symbol: index for index, symbol in enumerate(sorted(alphabet))}
    core = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    core.decoder = decoders.ByteLevel()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, pad_token=PAD, eos_token=END,
                                        additional_special_tokens=list(ROLES), padding_side="left",
                                        truncation_side="left")
    tokenizer.add_tokens(list(TAGS))
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def build_tiny_model(folder: str | Path, config: TinyConfig = TinyConfig()) -> Path:
    """Build the tiny model and its tokenizer and save them in ``folder`` (reused if it already holds them).

    Args:
        folder: Where to save; afterwards ``AutoModelForCausalLM.from_pretrained(folder)`` and
            ``AutoTokenizer.from_pretrained(folder)`` load them.
        config: The model's shape and seed.

    Returns:
        The folder.
    """
    import json

    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    folder = Path(folder)
    marker = folder / "tiny.json"
    record = {**asdict(config), "answer_tags": list(TAGS)}  # a folder built before the tags were tokens is rebuilt
    if marker.is_file() and json.loads(marker.read_text()) == record:
        return folder
    tokenizer = build_tokenizer()
    model_config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=config.hidden_size, intermediate_size=config.intermediate_size,
        num_hidden_layers=config.num_hidden_layers, num_attention_heads=config.num_attention_heads,
        num_key_value_heads=config.num_attention_heads, max_position_embeddings=config.max_position_embeddings,
        initializer_range=config.initializer_range, tie_word_embeddings=False, dtype="float32",
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        bos_token_id=tokenizer.eos_token_id)
    with torch.random.fork_rng():
        torch.manual_seed(config.seed)
        model = LlamaForCausalLM(model_config)
    model.generation_config = GenerationConfig(eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id,
                                               bos_token_id=tokenizer.eos_token_id)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    marker.write_text(json.dumps(record, indent=2))
    return folder
