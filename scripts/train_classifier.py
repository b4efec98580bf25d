"""Train and ship the domain classifier of a dataset: python scripts/train_classifier.py mnist 2 (dataset, epochs)."""
import sys, time, torch
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))
torch.set_num_threads(1)
from diffusion_core.evaluation.metrics import train_classifier, save_classifier
ds, epochs = sys.argv[1], int(sys.argv[2])
t = time.time()
m, acc = train_classifier(ds, epochs=epochs, progress=True)
mins = (time.time() - t) / 60
print(ds, 'acc', acc, 'minutes', mins)
card = f"""# Domain classifier for {ds}

Used only to measure generated images: its 128-d penultimate features give the "domain-FID"
(Fréchet distance to the 10,000 test images) and its predictions give class agreement.

- Architecture: 3 conv layers (32, 64, 64) with BatchNorm, 2 max-pools, fc 128, fc 10 ({sum(p.numel() for p in m.parameters()):,} parameters).
- Data: the {ds} training set (60,000 images), random shifts of up to 2 px; label smoothing 0.05.
- Training: {epochs} epochs, batch 128, AdamW with a one-cycle LR (peak 3e-3), seed 0, 1 CPU thread: {mins:.1f} minutes on a 2-core CPU.
- **Test accuracy: {acc * 100:.2f} %** on the 10,000 test images (measured by the training script).
- Reproduce: `python scripts/train_classifier.py {ds} {epochs}`
"""
save_classifier(m, f'pretrained/classifier_{ds}', {"dataset": ds, "test_accuracy": acc, "epochs": epochs, "train_minutes": mins}, card)
