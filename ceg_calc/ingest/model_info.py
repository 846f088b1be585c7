"""Name, family and origin of every model the snapshot import writes, and the Epoch AI rows it reads.

``epoch`` names the Epoch AI database row that supplies organisation, date and (when not given
here) parameters; ``source``/``locator`` say where a model without such a row is named. A model
listed here gets its ``models`` row (and compute rows) from ``ceg ingest epoch`` when it
appears in ``data/benchmark_scores.csv``; every other model row is added by hand.
"""

_W = ("wei2022-cot", "Appendix Table 2, model column")
_K = ("kojima2022-zero-shot-cot", "Appendix E, Table 26, model column")


def _m(name, family, source=None, locator=None, **kw):
    return {"name": name, "family": family, "source": source, "locator": locator, **kw}


MODEL_INFO = {
    "palm-8b": _m("PaLM 8B", "palm", "chowdhery2022-palm", "Table 1", parameters=8.63e9, organization="Google"),
    "palm-62b": _m("PaLM 62B", "palm", "chowdhery2022-palm", "Table 1", parameters=62.50e9),
    "palm-540b": _m("PaLM 540B", "palm", epoch="PaLM (540B)"),
    "lamda-422m": _m("LaMDA 422M", "lamda", *_W, parameters=422e6),
    "lamda-2b": _m("LaMDA 2B", "lamda", *_W, parameters=2e9),
    "lamda-8b": _m("LaMDA 8B", "lamda", *_W, parameters=8e9),
    "lamda-68b": _m("LaMDA 68B", "lamda", *_W, parameters=68e9,
                    notes="Some readers of Wei et al. label this size 67B."),
    "lamda-137b": _m("LaMDA 137B", "lamda", epoch="LaMDA"),
    "ul2-20b": _m("UL2 20B", "ul2", epoch="UL2"),
    "code-davinci-001": _m("code-davinci-001", "codex-api", "wang2022-self-consistency", "Table 2, model column",
                           notes="OpenAI API model; size and training compute not disclosed."),
    "code-davinci-002": _m("code-davinci-002", "codex-api", *_W,
                           notes="OpenAI API model; size and training compute not disclosed. Not the 12B Codex "
                                 "of Chen et al. (2021)."),
    "text-ada-001": _m("text-ada-001", "instructgpt-api", *_W, parameters=350e6, base="gpt-3-ada", enhanced=True,
                       notes="Wei et al. give the size as presumably 350M; Kojima et al. say no official size "
                             "is published."),
    "text-babbage-001": _m("text-babbage-001", "instructgpt-api", *_W, parameters=1.3e9, base="gpt-3-babbage",
                           enhanced=True, notes="Size as presumed by Wei et al."),
    "text-curie-001": _m("text-curie-001", "instructgpt-api", *_W, parameters=6.7e9, base="gpt-3-curie",
                         enhanced=True, notes="Size as presumed by Wei et al."),
    "text-davinci-001": _m("text-davinci-001", "instructgpt-api", *_K, enhanced=True,
                           notes="Kojima et al.'s Instruct GPT-3 XL-1; size not published."),
    "text-davinci-002": _m("text-davinci-002", "instructgpt-api", epoch="InstructGPT 175B", parameters=175e9,
                           base="gpt-3-davinci", enhanced=True,
                           notes="Taken to be Epoch's InstructGPT 175B, as Wei et al. presume its size is 175B."),
    "gpt-3-ada": _m("GPT-3 ada", "gpt-3", epoch="GPT-3 Medium",
                    notes="OpenAI API model ada, taken to be GPT-3 Medium (350M) as in Kojima et al.'s size "
                          "mapping (their Table 8)."),
    "gpt-3-babbage": _m("GPT-3 babbage", "gpt-3", epoch="GPT-3 XL",
                        notes="OpenAI API model babbage, taken to be GPT-3 XL (1.3B)."),
    "gpt-3-curie": _m("GPT-3 curie", "gpt-3", epoch="GPT-3 6.7B",
                      notes="OpenAI API model curie, taken to be GPT-3 6.7B."),
    "gpt-3-davinci": _m("GPT-3 175B (davinci)", "gpt-3", epoch="GPT-3 175B (davinci)"),
    "gpt-j-6b": _m("GPT-J 6B", "gpt-j", epoch="GPT-J-6B"),
    "gpt-j-6b-cc": _m("GPT-J + CC", "gpt-j-cc", "schick2023-toolformer", "Sec. 4.1, baselines",
                      parameters=None, base="gpt-j-6b",
                      notes="GPT-J fine-tuned on the CCNet subset used for Toolformer, without API calls."),
    "toolformer": _m("Toolformer", "toolformer", "schick2023-toolformer", "Sec. 4.1", base="gpt-j-6b",
                     enhanced=True, notes="GPT-J fine-tuned on self-annotated API calls."),
    "opt-66b": _m("OPT 66B", "opt", "schick2023-toolformer", "Sec. 4.1, baselines", parameters=66e9),
    "minerva-8b": _m("Minerva 8B", "minerva", "touvron2023-llama", "Table 7, model column", parameters=8e9,
                     base="palm-8b", enhanced=True),
    "minerva-62b": _m("Minerva 62B", "minerva", "touvron2023-llama", "Table 7, model column", parameters=62e9,
                      base="palm-62b", enhanced=True),
    "minerva-540b": _m("Minerva 540B", "minerva", epoch="Minerva (540B)", base="palm-540b", enhanced=True),
    "alphacode-1b": _m("AlphaCode 1B", "alphacode", "li2022-alphacode", "Table 3, row AlphaCode 1B, column n_params",
                        parameters=1.1e9),
    "alphacode-9b": _m("AlphaCode 9B", "alphacode", "li2022-alphacode", "Table 3, row AlphaCode 9B, column n_params",
                        parameters=8.7e9),
    "alphacode-41b": _m("AlphaCode 41B", "alphacode", epoch="AlphaCode"),
    "gpt-3.5-turbo": _m("GPT-3.5 (gpt-3.5-turbo)", "gpt-3.5", epoch="GPT-3.5",
                        notes="LATS used gpt-3.5-turbo; Epoch's compute is for its GPT-3.5 row (its GPT-3.5 "
                              "Turbo row has none), so the mapping is approximate."),
    "gpt-4": _m("GPT-4", "gpt-4", epoch="GPT-4"),
}

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
