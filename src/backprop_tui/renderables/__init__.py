"""Rich renderables the screens draw with: chain diagrams, braille plots, gradient and health bars, numbers."""
