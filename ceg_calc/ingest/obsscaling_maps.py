"""What the ObsScaling import needs besides the snapshot: names, rules and their sources.

Every entry here is either a rule (how a column becomes a row) or a fact with its source written
beside it. The import checks each fact it can against the snapshot itself (a chance level against the
``,norm`` columns, a number of items against the values' denominators) and stops when one fails.
"""

from typing import NamedTuple

COMMIT = "4d6e1e43fd2635d04654aa77d1df9d5266ea0382"
REPO_URL = f"https://github.com/ryoungj/ObsScaling/blob/{COMMIT}"
DATA = "ruan2024-obsscaling-data"  # the repository's evaluation results (the snapshot)
PAPER = "ruan2024-obsscaling"  # arXiv:2405.10938v3
EPOCH = "epoch2025-ai-models"
BASE, POST, INSTRUCT = ("base_llm_benchmark_eval.csv", "base_llm_post_training_eval.csv",
                        "instruct_llm_benchmark_eval.csv")
SIX_N_D_LOCATOR = "Sec. 3.3 (Setup) and Appx. B.1.1: C = 6ND for every model with known N and D; Table B.1"

SOURCES = [
    {"source_id": PAPER, "title": "Observational Scaling Laws and the Predictability of Language Model Performance",
     "authors": "Ruan, Yangjun; Maddison, Chris J.; Hashimoto, Tatsunori", "year": 2024, "source_type": "paper",
     "arxiv_id": "2405.10938", "doi": "10.48550/arXiv.2405.10938", "url": "https://arxiv.org/abs/2405.10938v3",
     "licence": "", "accessed": "2026-11-29", "read_from": "a public transcription of the v3 text (1 Oct 2024)",
     "notes": "NeurIPS 2024. States C = 6ND (Sec. 3.3, Appx. B.1.1) and the evaluation protocols (Sec. 4.3, "
              "Appx. B); its data release is the source ruan2024-obsscaling-data."},
    {"source_id": DATA, "title": "ObsScaling: evaluation results (eval_results/) of Observational Scaling Laws",
     "authors": "Ruan, Yangjun et al.", "year": 2024, "source_type": "database", "arxiv_id": "", "doi": "",
     "url": f"https://github.com/ryoungj/ObsScaling/tree/{COMMIT}", "licence": "Apache-2.0",
     "accessed": "2026-11-29", "read_from": "",
     "notes": "Snapshot in data/raw/obsscaling (three CSV files, hashes in snapshot.json); imported by "
              "ceg ingest obsscaling (ceg_calc/ingest/obsscaling.py). Scores are fractions there, percent here."},
]

# ObsScaling's family name -> the package's family, where the plain slug would not do.
FAMILY_RENAME = {"GPT-Neo/J": "gpt-neo"}

# Models other imports already own (their rows in models.csv are left alone; scores and a
# non-preferred six-n-d estimate are added). GPT-J keeps the package's family gpt-j.
SHARED_MODELS = {"gpt-j-6b", "opt-66b"}

# Rows whose metadata contradict themselves: no compute estimate is made from them.
SUSPECT = {
    "open-llama-7b-v2": "the source gives 13.0B parameters for a model named 7B (FLOPs 78 = 6 x 13 x 1.0), "
                        "so no compute is derived from it",
    "btlm-3b-8k-base": "the source gives 627 T training tokens for a 3B model (FLOPs 11286e21), a unit slip "
                       "of a thousand; Epoch AI's estimate is used instead",
}

# model_id -> Epoch AI row naming the same trained model (only rows with a compute figure are used).
EPOCH_NAMES = {
    "llama-2-7b": "Llama 2-7B", "llama-2-70b": "Llama 2-70B", "llama-65b": "LLaMA-65B",
    "meta-llama-3-70b": "Llama 3-70B", "meta-llama-3.1-405b-fp8": "Llama 3.1-405B",
    "qwen1.5-72b": "Qwen1.5-72B", "qwen1.5-14b": "Qwen1.5-14B", "qwen1.5-7b": "Qwen1.5-7B",
    "qwen-72b": "Qwen-72B", "qwen2-72b": "Qwen2-72B", "deepseek-v2": "DeepSeek-V2 (MoE-236B)",
    "deepseek-coder-v2-base": "DeepSeek-Coder-V2 236B", "yi-6b": "Yi 6B", "yi-34b": "Yi-34B",
    "yi-1.5-34b": "Yi-1.5-34B", "gemma-7b": "Gemma 7B", "gemma-2b": "Gemma 2B", "gemma-2-27b": "Gemma 2 27B",
    "gemma-2-9b": "Gemma 2 9B", "gemma-2-2b": "Gemma 2 2B", "falcon-180b": "Falcon-180B",
    "falcon-40b": "Falcon-40B", "falcon-7b": "Falcon-7B", "phi-2": "Phi-2", "phi-1-5": "Phi-1.5",
    "bloom": "BLOOM-176B", "bloom-7b1": "BLOOM-7.1B", "gpt-neox-20b": "GPT-NeoX-20B",
    "gpt-neo-2.7b": "GPT-Neo-2.7B", "mpt-30b": "MPT-30B", "mpt-7b": "MPT-7B", "xglm-7.5b": "XGLM-7.5B",
    "codellama-70b": "Code Llama-70B", "codellama-34b": "Code Llama-34B", "codellama-7b": "Code Llama-7B",
    "starcoder2-15b": "StarCoder 2 15B", "deepseek-coder-33b-base": "DeepSeek Coder 33B",
    "open-llama-13b": "OpenLLaMA-13B", "deepseek-llm-67b-base": "DeepSeek LLM 67B",
    "deepseek-moe-16b-base": "DeepSeekMoE-16B", "stablelm-2-1-6b": "StableLM-2-1.6B",
    "stablelm-base-alpha-7b": "StableLM-Base-Alpha-7B", "rwkv-4-14b-pile": "RWKV-4 14B", "amber": "Amber",
    "btlm-3b-8k-base": "BTLM-3B", "olmo-7b": "OLMo-7B", "internlm2-20b": "InternLM2-20B",
    "gpt2-xl": "GPT-2 (1.5B)",
}

# Chat / instruction-tuned model -> its base model, with the source that names the base and where in
# it. "name": the chat model's name names the base, and the instruct file's size, tokens and FLOPs (the
# base's, Appx. B.1.2) equal the base's row (checked). Otherwise the model's own card or release post
# names the base family and the size fixes the member (a model card is a Git file of the model's
# repository on the Hugging Face Hub, cited at a commit where one was found).
class ChatBase(NamedTuple):
    base: str
    source_id: str
    locator: str


ACCESSED = "2026-11-29"
_NAME = "the chat model's name names its base"
_HF = "https://huggingface.co"
VICUNA_7B_CARD, VICUNA_13B_CARD = "lmsys2023-vicuna-7b-v1.5-card", "lmsys2023-vicuna-13b-v1.5-card"
VICUNA_16K_CARD, VICUNA_33B_CARD = "lmsys2023-vicuna-13b-v1.5-16k-card", "lmsys2023-vicuna-33b-v1.3-card"
WIZARDLM_CARD, GUANACO_CARD, KOALA_POST = ("wizardlm2023-13b-v1.2-card", "dettmers2023-guanaco-card",
                                           "bair2023-koala")
CHAT_BASES = {
    "llama-2-7b-chat": ChatBase("llama-2-7b", DATA, _NAME), "llama-2-13b-chat": ChatBase("llama-2-13b", DATA, _NAME),
    "llama-2-70b-chat": ChatBase("llama-2-70b", DATA, _NAME),
    "codellama-7b-instruct": ChatBase("codellama-7b", DATA, _NAME),
    "codellama-13b-instruct": ChatBase("codellama-13b", DATA, _NAME),
    "codellama-34b-instruct": ChatBase("codellama-34b", DATA, _NAME),
    "deepseek-llm-67b-chat": ChatBase("deepseek-llm-67b-base", DATA, _NAME),
    "mistral-7b-instruct-v0.1": ChatBase("mistral-7b-v0.1", DATA, _NAME),
    "vicuna-7b-v1.5": ChatBase("llama-2-7b", VICUNA_7B_CARD,
                               "Model Details: 'Finetuned from model: Llama 2'; Training Details (v1.5 fine-tuned "
                               "from Llama 2); 7B Llama 2 by the name"),
    "vicuna-13b-v1.5": ChatBase("llama-2-13b", VICUNA_13B_CARD,
                                "Model Details: 'Finetuned from model: Llama 2'; 13B Llama 2 by the name"),
    "vicuna-13b-16k": ChatBase("llama-2-13b", VICUNA_16K_CARD,
                               "Model Details: 'Finetuned from model: Llama 2'; Training Details (v1.5 16k fine-tuned "
                               "from Llama 2 with linear RoPE scaling); 13B Llama 2 by the name"),
    "vicuna-33b-v1.3": ChatBase("llama-30b", VICUNA_33B_CARD,
                                "Model Details: 'Finetuned from model: LLaMA'; Training Details (v1.3 fine-tuned "
                                "from LLaMA); LLaMA's 33B model (32.5B parameters, huggyllama/llama-30b) by the name"),
    "wizardlm-13b-v1.2": ChatBase("llama-2-13b", WIZARDLM_CARD,
                                  "first line: the full weights of WizardLM-13B V1.2, trained from Llama-2 13b"),
    "guanaco-33b": ChatBase("llama-30b", GUANACO_CARD,
                            "opening paragraph: Guanaco models are QLoRA tunings of LLaMA base models in 7B, 13B, 33B "
                            "and 65B sizes; LLaMA's 33B model (32.5B parameters, huggyllama/llama-30b) by the name"),
    "guanaco-65b": ChatBase("llama-65b", GUANACO_CARD,
                            "opening paragraph: Guanaco models are QLoRA tunings of LLaMA base models in 7B, 13B, 33B "
                            "and 65B sizes; LLaMA 65B by the name"),
    "koala-13b": ChatBase("llama-13b", KOALA_POST,
                          "opening paragraph: Koala is a chatbot trained by fine-tuning Meta's LLaMA; LLaMA 13B by "
                          "the name, and the instruct file's size, tokens and FLOPs equal llama-13b's row"),
}
# Size differs between the two files for this pair (7.0 against 7.3); neither has a FLOPs figure.
CHAT_BASE_SIZE_MISMATCH = {"mistral-7b-instruct-v0.1"}
# Chat models whose instruct-file size, tokens or FLOPs are not their named base's: their compute is
# the base's row (the instruct row's own figure is kept beside it, not preferred).
CHAT_BASE_METADATA_DIFFER = {
    "vicuna-33b-v1.3": "the instruct file gives 33B parameters and 2.0T tokens (FLOPs 396), LLaMA 33B's row 32.5B "
                       "and 1.4T (FLOPs 273)",
    "guanaco-33b": "the instruct file gives 33B parameters (FLOPs 277.2), LLaMA 33B's row 32.5B (FLOPs 273)",
    "guanaco-65b": "the instruct file gives 65B parameters (FLOPs 546), LLaMA 65B's row 65.2B (FLOPs 547.68)",
}
def _card(source_id, title, authors, url, notes, read_from=""):
    return {"source_id": source_id, "title": title, "authors": authors, "year": 2023, "source_type": "web-page",
            "arxiv_id": "", "doi": "", "url": url, "licence": "", "accessed": ACCESSED, "read_from": read_from,
            "notes": notes}


_CARD_NOTE = "Model card (README.md of the model's Hugging Face repository); names the base model of {}."
SOURCES += [
    _card(VICUNA_7B_CARD, "Vicuna Model Card (lmsys/vicuna-7b-v1.5)", "LMSYS",
          f"{_HF}/lmsys/vicuna-7b-v1.5/blob/ab33688181bd070d1bd698cbffd0f072a412ffe5/README.md",
          _CARD_NOTE.format("vicuna-7b-v1.5")),
    _card(VICUNA_13B_CARD, "Vicuna Model Card (lmsys/vicuna-13b-v1.5)", "LMSYS",
          f"{_HF}/lmsys/vicuna-13b-v1.5/blob/be98bb088770751c2d21f8d61e20ab8dd8af6747/README.md",
          _CARD_NOTE.format("vicuna-13b-v1.5")),
    _card(VICUNA_16K_CARD, "Vicuna Model Card (lmsys/vicuna-13b-v1.5-16k)", "LMSYS",
          f"{_HF}/lmsys/vicuna-13b-v1.5-16k/blob/399078ba06abdb3885d64def993ab642480010db/README.md",
          _CARD_NOTE.format("vicuna-13b-16k") + " ObsScaling's vicuna-13b-16k is read as this model: the only "
          "16k Vicuna 13B cited here; the instruct file's size, tokens and FLOPs equal llama-2-13b's row.",
          read_from=f"{_HF}/lmsys/vicuna-13b-v1.5-16k/blob/main/README.md (the commit cited is the newest in the "
                    "repository's history; the README was last changed before it)"),
    _card(VICUNA_33B_CARD, "Vicuna Model Card (lmsys/vicuna-33b-v1.3)", "LMSYS",
          f"{_HF}/lmsys/vicuna-33b-v1.3/blob/95a6735f3c65214ba453037cdaea41f660b24e92/README.md",
          _CARD_NOTE.format("vicuna-33b-v1.3")),
    _card(WIZARDLM_CARD, "WizardLM-13B-V1.2 (model card)", "WizardLM Team",
          f"{_HF}/WizardLMTeam/WizardLM-13B-V1.2/blob/6614ea7cc9295bf9a67ab1bb83809659fd0e21db/README.md",
          _CARD_NOTE.format("wizardlm-13b-v1.2") + " The repository was first published as WizardLM/WizardLM-13B-V1.2."),
    _card(GUANACO_CARD, "Guanaco Models Based on LLaMA (model card of timdettmers/guanaco-65b)", "Dettmers, Tim",
          f"{_HF}/timdettmers/guanaco-65b", _CARD_NOTE.format("guanaco-33b and guanaco-65b") + " No commit of the "
          "README was found; the page is cited with the date it was read. Paper: arXiv:2305.14314 (QLoRA).",
          read_from=f"{_HF}/timdettmers/guanaco-65b/resolve/main/README.md"),
    _card(KOALA_POST, "Koala: A Dialogue Model for Academic Research", "Berkeley Artificial Intelligence Research (BAIR)",
          "https://bair.berkeley.edu/blog/2023/04/03/koala/",
          "Release post of Koala (no paper); names the base model of koala-13b."),
]

CLOSED_FAMILIES = {"GPT-4", "Claude-2", "Claude-1", "GPT-3.5-Turbo", "Claude-Instant"}

# Chance accuracy of each BBH task, as ObsScaling normalises it: utils/constants.py,
# BBH_SUBTASKS2RANDOM_VAL, at the same commit. Checked on import against the ``,norm`` columns.
BBH_CHANCE = {
    "boolean_expressions": 1 / 2, "causal_judgement": 1 / 2, "date_understanding": 1 / 6,
    "disambiguation_qa": 1 / 3, "dyck_languages": 0.0, "formal_fallacies": 1 / 2, "geometric_shapes": 1 / 9,
    "hyperbaton": 1 / 2, "logical_deduction_five_objects": 1 / 5, "logical_deduction_seven_objects": 1 / 7,
    "logical_deduction_three_objects": 1 / 3, "movie_recommendation": 1 / 5, "multistep_arithmetic_two": 0.0,
    "navigate": 1 / 2, "object_counting": 0.0, "penguins_in_a_table": 1 / 5,
    "reasoning_about_colored_objects": 1 / 18, "ruin_names": 1 / 4, "salient_translation_error_detection": 1 / 6,
    "snarks": 1 / 2, "sports_understanding": 1 / 2, "temporal_sequences": 1 / 4,
    "tracking_shuffled_objects_five_objects": 1 / 5, "tracking_shuffled_objects_seven_objects": 1 / 7,
    "tracking_shuffled_objects_three_objects": 1 / 3, "web_of_lies": 1 / 2, "word_sorting": 0.0,
}
BBH_CHANCE_LOCATOR = f"{REPO_URL}/utils/constants.py, BBH_SUBTASKS2RANDOM_VAL"
# Number of questions per BBH task: every value in the task's columns is a multiple of 1/n (checked).
BBH_ITEMS = {task: 250 for task in BBH_CHANCE} | {"causal_judgement": 187, "penguins_in_a_table": 146,
                                                  "snarks": 178}
GSM8K_SUBSET_ITEMS = 500  # every GSM8K value of the post-training file is a multiple of 1/500 (checked)

# Standard benchmarks of the base and instruct files: column -> benchmark_id (column names differ:
# Winograd in the base file, Winogrande in the instruct file).
STANDARD = {"MMLU": "mmlu", "ARC-C": "arc-challenge-leaderboard", "HellaSwag": "hellaswag",
            "Winograd": "winogrande", "Winogrande": "winogrande", "TruthfulQA": "truthfulqa-leaderboard",
            "GSM8K": "gsm8k", "XWinograd": "xwinograd", "HumanEval": "humaneval"}

# Questions in the leaderboard's test sets: every value the base and instruct files give to more than
# three decimals is a whole number of these (checked on import); three-decimal values are rounded
# figures from elsewhere (Gemma-2, proprietary models) and are noted on their rows.
STANDARD_ITEMS = {"arc-challenge-leaderboard": 1172, "hellaswag": 10042, "winogrande": 1267}
