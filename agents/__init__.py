"""The training recipes, an application on top of the library: ``kernelgym train`` (GRPO-LoRA, :mod:`.train`) and
``kernelgym sft`` (the supervised warm-up, :mod:`.sft`), what they share (:mod:`.common`), their settings
(:mod:`.config`) and the command-line options generated from those (:mod:`.options`)."""
