"""The hub's ``_external`` files that ``ceg ingest epoch-hub`` reads (:mod:`ceg_calc.ingest.epoch_hub`):
which files, their score columns, the benchmarks and model names they add.

Scores Epoch AI's hub collected from other sources (papers, model cards, leaderboards), each row naming
where it was read (``Source``, ``Source link``). The hub is then second-hand: every score has
``second_hand = true`` and names the hub's source in its notes. All eleven files give fractions (0-1;
checked: no value above 1), stored times 100 like Epoch's own runs. The hub gives shots only: prompt
format, metric variant and decoding follow each row's source, so one setting per shot count
(``epoch-hub-external-5-shot``) gathers rows whose protocols differ in other ways.

Left out:
- rows without a ``Model version`` (a name alone, not linked to a model of Epoch's database, and
  never with a compute figure: 32 of mmlu, 65 of gsm8k, ... counted in tests/test_hub_external.py),
  and rows with a blank score (3 of arc_ai2, which give the Easy score only);
- the files of small or unmatched benchmarks: adversarial_nli (19 rows; a score beside rounds R1-R3),
  common_sense_qa_2 (10), superglue (11), science_qa (104 rows, 7 with compute; a multimodal
  leaderboard), video_mme (multimodal, 3 with compute), cad_eval (1 with compute);
- the agentic, leaderboard and frontier files, whose scores are not a percent on a benchmark the package
  has or whose rows are mostly frontier models without compute, so they add no base-model curve:
  webdev_arena (Arena score, an Elo rating), metr_time_horizons (time horizon in minutes),
  lech_mazur_writing (mean score out of 10), geobench, gso and terminalbench (the second column is a
  tool, scaffold or agent), fictionlivebench, and aider_polyglot, live_bench, os_world (percent, not
  fractions: the scale differs by file), apex_agents, arc_agi, arc_agi_2, balrog, cybench,
  deepresearchbench, hle, simplebench, the_agent_company, vpct, weirdml (6 to 37 rows with compute each).
"""

from __future__ import annotations

import re

#: _external file -> (benchmark_id, the column holding the score)
EXTERNAL = {
    "mmlu_external.csv": ("mmlu", "EM"),
    "gsm8k_external.csv": ("gsm8k", "EM"),
    "bbh_external.csv": ("bbh", "Average"),
    "hella_swag_external.csv": ("hellaswag", "Overall accuracy"),
    "arc_ai2_external.csv": ("arc-challenge", "Challenge score"),
    "wino_grande_external.csv": ("winogrande", "Accuracy"),
    "piqa_external.csv": ("piqa", "Score"),
    "trivia_qa_external.csv": ("triviaqa", "EM"),
    "bool_q_external.csv": ("boolq", "Score"),
    "lambada_external.csv": ("lambada", "Score"),
    "open_book_qa_external.csv": ("openbookqa", "Accuracy"),
}
EXTERNAL_COLUMNS = ["Model version", "Release date", "Organization", "Training compute (FLOP)",
                    "Training compute notes", "Name", "Shots", "Notes", "Source", "Source link", "id"]
#: benchmarks the package did not have: benchmark_id -> (name, domain, metric, chance, note)
EXTERNAL_BENCHMARKS = {
    "piqa": ("PIQA", "reasoning", "accuracy (two options)", None, "Chance level and set size not read from a source."),
    "lambada": ("LAMBADA", "reasoning", "accuracy (last word)", 0, "Free-form answers: chance taken as 0."),
    "triviaqa": ("TriviaQA (split and metric as each source reports)", "question-answering", "exact match", 0,
                 "The hub does not say which split (Wikipedia, web, unfiltered) each source used; kept apart from "
                 "triviaqa-wiki. Free-form answers: chance taken as 0."),
}
#: hub ``Model version`` in an _external file -> model id already in the package (same model, other source)
EXTERNAL_ALIASES = {
    "qwen2.5-7b-instruct": "qwen2.5-7b-instruct",
    "Qwen2.5-72B": "qwen2.5-72b",
    "qwen2.5-14b-instruct": "qwen2.5-14b-instruct",
    "bloom": "bloom", "claude-1.3": "claude-1.3", "claude-instant-1.1": "claude-instant-1.1",
    "code-davinci-002": "code-davinci-002", "deepseek-coder-1.3b-base": "deepseek-coder-1.3b-base",
    "deepseek-coder-33b-base": "deepseek-coder-33b-base", "deepseek-coder-6.7b-base": "deepseek-coder-6.7b-base",
    "DeepSeek-Coder-V2-Base": "deepseek-coder-v2-base", "DeepSeek-Coder-V2-Instruct": "deepseek-coder-v2-instruct",
    "DeepSeek-V2": "deepseek-v2", "DeepSeek-V3-Base": "deepseek-v3-base", "dolly-v2-12b": "dolly-v2-12b",
    "falcon-180B": "falcon-180b", "falcon-40b": "falcon-40b", "falcon-7b": "falcon-7b", "gemma-2-9b": "gemma-2-9b",
    "gemma-2b": "gemma-2b", "gemma-7b": "gemma-7b", "gpt-3.5-turbo-0613": "gpt-3.5-turbo-0613",
    "gpt-4-turbo": "gpt-4-turbo", "gpt-j-6b": "gpt-j-6b", "gpt-neo-2.7B": "gpt-neo-2.7b",
    "gpt-neox-20b": "gpt-neox-20b", "gpt2-xl": "gpt2-xl", "LLaMA-7B": "llama-7b", "LLaMA-13B": "llama-13b",
    "LLaMA-65B": "llama-65b", "Llama-2-7b": "llama-2-7b", "Llama-2-13b": "llama-2-13b",
    "Llama-2-70b-hf": "llama-2-70b", "Llama-2-13b-chat": "llama-2-13b-chat", "Llama-2-70b-chat": "llama-2-70b-chat",
    "Llama-3.1-405B": "llama-3.1-405b", "Meta-Llama-3-8B": "meta-llama-3-8b", "Meta-Llama-3-70B": "meta-llama-3-70b",
    "Mistral-7B-Instruct-v0.1": "mistral-7b-instruct-v0.1", "Mistral-7B-v0.1": "mistral-7b-v0.1",
    "Mistral-Nemo-Base-2407": "mistral-nemo-base-2407", "Mixtral-8x22B-v0.1": "mixtral-8x22b-v0.1",
    "Mixtral-8x7B-v0.1": "mixtral-8x7b-v0.1", "mpt-30b": "mpt-30b", "mpt-7b": "mpt-7b",
    "Nemotron-4 15B": "nemotron-4-15b", "opt-1.3b": "opt-1.3b", "opt-13b": "opt-13b", "opt-175b": "opt-175b",
    "opt-66b": "opt-66b", "PaLM 540B": "palm-540b", "PaLM 62B": "palm-62b", "phi-2": "phi-2", "phi-1_5": "phi-1-5",
    "open_llama_7b": "open-llama-7b", "Qwen-7B": "qwen-7b", "Qwen-14B": "qwen-14b", "Qwen1.5-7B": "qwen1.5-7b",
    "qwen1.5-14B": "qwen1.5-14b", "qwen1.5-32B": "qwen1.5-32b", "starcoder2-3b": "starcoder2-3b",
    "starcoder2-7b": "starcoder2-7b", "starcoder2-15b": "starcoder2-15b", "T5-11B": "t5-11b",
    "text-ada-001": "text-ada-001", "text-babbage-001": "text-babbage-001", "text-curie-001": "text-curie-001",
    "text-davinci-001": "text-davinci-001", "text-davinci-002": "text-davinci-002", "Yi-6B": "yi-6b", "Yi-34B": "yi-34b",
    # OpenAI's API base models, as the package maps them to GPT-3 sizes (the hub's compute is the same figure)
    "ada": "gpt-3-ada", "babbage": "gpt-3-babbage", "curie": "gpt-3-curie", "davinci": "gpt-3-davinci",
    "LLaMA-33B": "llama-30b",  # released as llama-30b (32.5B); the hub's compute equals the package's 6ND figure
}
#: families of new hub models from the _external files (sizes of one release trained the same way)
EXTERNAL_FAMILIES = [(re.compile(r"^t5-(small|base|large|3b)$"), "t5"), (re.compile(r"^palm-2-[sml]$"), "palm-2"),
             (re.compile(r"^llama-2-\d+b$"), "llama-2"), (re.compile(r"^qwen2\.5-\d+b$"), "qwen2.5"),
             (re.compile(r"^qwen2\.5-coder-[\d.]+b$"), "qwen2.5-coder"),
             (re.compile(r"^qwen2\.5-coder-[\d.]+b-instruct$"), "qwen2.5-coder-instruct"),
             (re.compile(r"^baichuan-2-\d+b-base$"), "baichuan-2")]
