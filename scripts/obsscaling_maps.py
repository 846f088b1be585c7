"""What the ObsScaling import needs besides the snapshot: names, rules and their sources.

Every entry here is either a rule (how a column becomes a row) or a fact with its source written
beside it. The import checks each fact it can against the snapshot itself (a chance level against the
``,norm`` columns, a number of items against the values' denominators) and stops when one fails.
"""

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
              "scripts/import_obsscaling.py. Scores are fractions there, percent here."},
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

# Chat / instruction-tuned model -> its base model, only where the chat model's name names the base
# and the instruct file's size, tokens and FLOPs (the base's, Appx. B.1.2) equal the base's row.
CHAT_BASES = {
    "llama-2-7b-chat": "llama-2-7b", "llama-2-13b-chat": "llama-2-13b", "llama-2-70b-chat": "llama-2-70b",
    "codellama-7b-instruct": "codellama-7b", "codellama-13b-instruct": "codellama-13b",
    "codellama-34b-instruct": "codellama-34b", "deepseek-llm-67b-chat": "deepseek-llm-67b-base",
    "mistral-7b-instruct-v0.1": "mistral-7b-v0.1",
}
# Size differs between the two files for this pair (7.0 against 7.3); neither has a FLOPs figure.
CHAT_BASE_SIZE_MISMATCH = {"mistral-7b-instruct-v0.1"}
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
