"""How the names used in ``../shared/reference`` map onto the package's identifiers.

Every name the import meets must be listed here; an unlisted one stops the import with an
error naming it, so a new reference row is never filed under a guess.
"""

# source_paper prefix (up to the first comma) and table → (source_id, locator prefix)
SOURCES = {
    ("Wei et al. 2022", "Appendix Table 2"): ("wei2022-cot", "Appendix Table 2"),
    ("Kojima et al. 2022", "Appendix D Table 25"): ("kojima2022-zero-shot-cot", "Appendix D, Table 25"),
    ("Kojima et al. 2022", "Appendix E Table 26"): ("kojima2022-zero-shot-cot", "Appendix E, Table 26"),
    ("Kojima et al. 2022", "Appendix E Table 27"): ("kojima2022-zero-shot-cot", "Appendix E, Table 27"),
    ("Wang et al. 2022/2023", "Table 2"): ("wang2022-self-consistency", "Table 2"),
    ("Schick et al. 2023", "Table 3 (LAMA, zero-shot)"): ("schick2023-toolformer", "Table 3"),
    ("Schick et al. 2023", "Table 4 (math, zero-shot, lenient scoring)"): ("schick2023-toolformer", "Table 4"),
    ("Li et al. 2022", "Table 5"): ("li2022-alphacode", "Table 5"),
    ("Li et al. 2022", "Table 8 (build-up ablation)"): ("li2022-alphacode", "Table 8"),
    ("Lewkowycz et al. 2022", "LLaMA Table 7 (from Minerva paper)"): ("touvron2023-llama", "Table 7"),
    ("Shao et al. 2024 DeepSeekMath (arXiv:2402.03300) citing Minerva", "DeepSeekMath Table 2"):
        ("shao2024-deepseekmath", "Table 2"),
    ("Zhou et al. 2023/2024", "Table 4"): ("zhou2023-lats", "Table 4"),
    ("Zhou et al. 2023/2024", "Abstract v1 (Oct 2023)"): ("zhou2023-lats-v1", "Abstract"),
}

# numbers from a paper that reproduces another's table are second-hand
SECOND_HAND_SOURCES = {"touvron2023-llama", "shao2024-deepseekmath"}

# model name in primary_scores.csv → model_id
MODELS = {
    "PaLM 8B": "palm-8b", "PaLM 62B": "palm-62b", "PaLM 540B": "palm-540b", "PaLM-540B": "palm-540b",
    "LaMDA 422M": "lamda-422m", "LaMDA 2B": "lamda-2b", "LaMDA 8B": "lamda-8b", "LaMDA 68B": "lamda-68b",
    "LaMDA 137B": "lamda-137b", "LaMDA-137B": "lamda-137b",
    "UL2 20B": "ul2-20b", "UL2-20B": "ul2-20b",
    "Codex (code-davinci-002)": "code-davinci-002", "GPT-3 code-davinci-002": "code-davinci-002",
    "GPT-3 code-davinci-001": "code-davinci-001",
    "GPT-3 API (InstructGPT) 350M": "text-ada-001", "GPT-3 API (InstructGPT) 1.3B": "text-babbage-001",
    "GPT-3 API (InstructGPT) 6.7B": "text-curie-001", "GPT-3 API (InstructGPT) 175B": "text-davinci-002",
    "Instruct GPT-3 S (text-ada-001)": "text-ada-001", "Instruct GPT-3 M (text-babbage-001)": "text-babbage-001",
    "Instruct GPT-3 L (text-curie-001)": "text-curie-001",
    "Instruct GPT-3 XL-1 (text-davinci-001)": "text-davinci-001",
    "Instruct GPT-3 XL-2 (text-davinci-002)": "text-davinci-002",
    "GPT-3 original (ada) 0.3B": "gpt-3-ada", "GPT-3 original (babbage) 1.3B": "gpt-3-babbage",
    "GPT-3 original (curie) 6.7B": "gpt-3-curie", "GPT-3 original (davinci) 175B": "gpt-3-davinci",
    "GPT-3 (175B)": "gpt-3-davinci",
    "GPT-J": "gpt-j-6b", "GPT-J + CC": "gpt-j-6b-cc", "Toolformer": "toolformer",
    "Toolformer (disabled)": "toolformer", "OPT (66B)": "opt-66b",
    "Minerva 8B": "minerva-8b", "Minerva 7B (sic; Minerva 8B)": "minerva-8b", "Minerva 62B": "minerva-62b",
    "Minerva 540B": "minerva-540b",
    "AlphaCode 1B": "alphacode-1b", "AlphaCode 9B": "alphacode-9b", "AlphaCode 41B": "alphacode-41b",
    "AlphaCode 41B + clustering": "alphacode-41b",
    "GPT-3.5": "gpt-3.5-turbo", "GPT-4": "gpt-4",
}

# (benchmark, metric) → benchmark_id
BENCHMARKS = {
    ("GSM8K", "accuracy (%)"): "gsm8k", ("GSM8k", "accuracy (%)"): "gsm8k",
    ("SVAMP", "accuracy (%)"): "svamp", ("ASDiv", "accuracy (%)"): "asdiv", ("AQuA", "accuracy (%)"): "aqua",
    ("MAWPS", "accuracy (%)"): "mawps", ("MultiArith", "accuracy (%)"): "multiarith",
    ("AddSub", "accuracy (%)"): "addsub", ("MATH", "accuracy (%)"): "math",
    ("MMLU-STEM", "accuracy (%)"): "mmlu-stem", ("OCW Courses", "accuracy (%)"): "ocw-courses",
    ("HumanEval", "pass@1 (%)"): "humaneval",
    ("CodeContests validation", "solve rate 10@1k (%)"): "codecontests-valid-10-of-1k",
    ("CodeContests validation", "solve rate 10@10k (%)"): "codecontests-valid-10-of-10k",
    ("CodeContests validation", "solve rate 10@100k (%)"): "codecontests-valid-10-of-100k",
    ("CodeContests validation", "solve rate 10@1M (%)"): "codecontests-valid-10-of-1m",
    ("CodeContests test", "solve rate 10@1k (%)"): "codecontests-test-10-of-1k",
    ("CodeContests test", "solve rate 10@10k (%)"): "codecontests-test-10-of-10k",
    ("CodeContests test", "solve rate 10@100k (%)"): "codecontests-test-10-of-100k",
    ("LAMA-SQuAD", "accuracy (%) (correct word in first five predicted words)"): "lama-squad",
    ("LAMA-Google-RE", "accuracy (%) (correct word in first five predicted words)"): "lama-google-re",
    ("LAMA-T-REx", "accuracy (%) (correct word in first five predicted words)"): "lama-t-rex",
}

# (source_id, setting as written in the reference) → setting_id; the model's own row may override
SETTINGS = {
    ("wei2022-cot", "few-shot standard prompting (8 exemplars), greedy"): "few-shot-8-greedy",
    ("wei2022-cot", "few-shot chain-of-thought prompting (8 exemplars), greedy"): "few-shot-8-cot-greedy",
    ("wang2022-self-consistency", "CoT-prompting, greedy decode"): "few-shot-cot-greedy",
    ("wang2022-self-consistency", "CoT + self-consistency (40 sampled paths, avg of 10 runs)"): "few-shot-cot-sc-40",
    ("kojima2022-zero-shot-cot", "Zero-shot (greedy)"): "zero-shot-greedy",
    ("kojima2022-zero-shot-cot", "Zero-shot"): "zero-shot-greedy",
    ("kojima2022-zero-shot-cot", "Zero-shot-CoT (greedy)"): "zero-shot-cot-greedy",
    ("kojima2022-zero-shot-cot", "Zero-shot-CoT"): "zero-shot-cot-greedy",
    ("kojima2022-zero-shot-cot", "Few-shot (greedy)"): "few-shot-greedy",
    ("kojima2022-zero-shot-cot", "Few-shot-CoT (greedy)"): "few-shot-cot-greedy",
    ("kojima2022-zero-shot-cot", "Few-shot-CoT"): "few-shot-cot-greedy",
    ("kojima2022-zero-shot-cot", "Zero-shot-CoT + self-consistency (40 paths)"): "zero-shot-cot-sc-40",
    ("kojima2022-zero-shot-cot", "Few-shot-CoT + self-consistency (40 paths)"): "few-shot-cot-sc-40",
    ("schick2023-toolformer", "prompted zero-shot"): "zero-shot-no-tools",
    ("schick2023-toolformer", "prompted zero-shot; no tools"): "zero-shot-no-tools",
    ("schick2023-toolformer", "prompted zero-shot; no fine-tuning"): "zero-shot-no-tools",
    ("schick2023-toolformer", "prompted zero-shot; GPT-J fine-tuned on CCNet subset without API calls"):
        "zero-shot-no-tools",
    ("schick2023-toolformer", "prompted zero-shot; Toolformer weights, API calls disabled at decoding"):
        "zero-shot-no-tools",
    ("schick2023-toolformer",
     "prompted zero-shot; Toolformer, API calls enabled (calculator used in 97.9% of examples)"): "zero-shot-tools",
    ("li2022-alphacode", "filtering by example tests"): "sample-filter",
    ("li2022-alphacode", "filtering by example tests + clustering"): "sample-filter-cluster",
    ("li2022-alphacode", "all enhancements up to GOLD, no clustering"): "sample-filter-ablation",
    ("li2022-alphacode", "+ clustering"): "sample-filter-cluster-ablation",
    ("touvron2023-llama", "base PaLM, single sample"): "minerva-eval-single",
    ("touvron2023-llama", "Minerva, single sample (greedy)"): "minerva-eval-single",
    ("touvron2023-llama", "Minerva + maj1@k (MATH k=256; k for 8B/62B GSM8k not stated in this source)"):
        "minerva-eval-majority",
    ("touvron2023-llama", "Minerva + maj1@k (MATH k=64, GSM8k k=40; k for 8B/62B GSM8k not stated in this source)"):
        "minerva-eval-majority",
    ("shao2024-deepseekmath", "chain-of-thought, as reported by DeepSeekMath"): "few-shot-cot-greedy",
    ("shao2024-deepseekmath", "chain-of-thought, as reported by DeepSeekMath (PaLM baseline MMLU-STEM NOT FOUND)"):
        "few-shot-cot-greedy",
    ("zhou2023-lats", "CoT (Wei et al.) (n=5 expansions, 8 iterations for LATS)"): "code-cot",
    ("zhou2023-lats", "ReAct (n=5 expansions, 8 iterations for LATS)"): "code-react",
    ("zhou2023-lats", "Reflexion (n=5 expansions, 8 iterations for LATS)"): "code-reflexion",
    ("zhou2023-lats", "ToT (n=5 expansions, 8 iterations for LATS)"): "code-tot",
    ("zhou2023-lats", "RAP (n=5 expansions, 8 iterations for LATS)"): "code-rap",
    ("zhou2023-lats", "LATS (ReAct) (n=5 expansions, 8 iterations for LATS)"): "code-lats",
    ("zhou2023-lats", "Base LM (n=5 expansions, 8 iterations for LATS)"): "code-base",
    ("zhou2023-lats-v1", "LATS (v1 of paper; likely the version Davidson et al. used)"): "code-lats",
}

# the Toolformer model without its tools is a setting of the same model
SETTING_BY_MODEL = {("schick2023-toolformer", "Toolformer", "Table 3"): "zero-shot-tools"}

# setting_id → enhancement a score in that setting shows (blank: the plain model)
ENHANCEMENT_BY_SETTING = {
    "few-shot-8-cot-greedy": "chain-of-thought", "few-shot-cot-greedy": "chain-of-thought",
    "zero-shot-cot-greedy": "zero-shot-cot", "few-shot-8-greedy": "few-shot-prompting",
    "few-shot-greedy": "few-shot-prompting", "few-shot-cot-sc-40": "self-consistency",
    "zero-shot-cot-sc-40": "self-consistency", "zero-shot-tools": "toolformer",
    "sample-filter-cluster": "alphacode-clustering", "sample-filter-cluster-ablation": "alphacode-clustering",
    "minerva-eval-majority": "majority-voting",
    "code-react": "react", "code-reflexion": "reflexion", "code-tot": "tree-of-thoughts", "code-rap": "rap",
    "code-lats": "lats", "code-cot": "chain-of-thought",
}

# enhanced models carry the enhancement that made them
ENHANCEMENT_BY_MODEL = {"minerva-8b": "minerva", "minerva-62b": "minerva", "minerva-540b": "minerva",
                        "toolformer": "toolformer",
                        # the instructgpt-api family (enhanced = true in data/models.csv)
                        **{m: "instructgpt" for m in ("text-ada-001", "text-babbage-001", "text-curie-001",
                                                      "text-davinci-001", "text-davinci-002")}}

# model_id → Epoch AI database row giving its training compute (None: Epoch has none)
EPOCH_ROWS = {
    "palm-540b": "PaLM (540B)", "minerva-540b": "Minerva (540B)", "lamda-137b": "LaMDA", "ul2-20b": "UL2",
    "gpt-3-ada": "GPT-3 Medium", "gpt-3-babbage": "GPT-3 XL", "gpt-3-curie": "GPT-3 6.7B",
    "gpt-3-davinci": "GPT-3 175B (davinci)", "text-davinci-002": "InstructGPT 175B",
    "gpt-j-6b": "GPT-J-6B", "gpt-3.5-turbo": "GPT-3.5", "gpt-4": "GPT-4", "alphacode-41b": "AlphaCode",
}

# models whose training compute is taken as their base model's (fine-tuning compute not stated)
BASE_MODEL_COMPUTE = {
    "text-ada-001": "GPT-3 Medium", "text-babbage-001": "GPT-3 XL", "text-curie-001": "GPT-3 6.7B",
    "toolformer": "GPT-J-6B", "gpt-j-6b-cc": "GPT-J-6B",
}

# setting labels reworded where the reference's text would read as a spreadsheet formula
SETTING_LABELS = {"+ clustering": "with clustering (build-up ablation)"}
