import { AppError } from '@seafarer/core';
import type { HandlerModule } from './context';

/**
 * JS-7.1 / JS-14: in-class quizzes (随堂测试) in the room. The instructor or a class manager pushes one
 * (core's decideStartQuiz says who) and may close it early; a trainee answers it once. The push is
 * acknowledged once stored, audited and out to the trainees; an answer once stored; a close once the
 * answers are marked and the results hashed.
 */
export const quizHandlers: HandlerModule = ({ on, room, peer, services }) => {
  const runner = () => {
    if (!services.quizzes) throw new AppError('PRECONDITION_FAILED');
    return services.quizzes;
  };

  on('quiz.push', (body) => runner().push(room, peer, body));
  on('quiz.answer', ({ quizId, answers }) => runner().answer(room, peer, quizId, answers));
  on('quiz.close', ({ quizId }) => runner().closeEarly(room, peer, quizId));
};
